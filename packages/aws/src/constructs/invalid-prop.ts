import { SlipwayError } from "@slipway/core/errors";

/** A construct prop that cannot work, named with its value, raised before anything is built. */
export function invalidProp(construct: string, prop: string, value: unknown, hint: string): SlipwayError {
  return new SlipwayError("INVALID_CONFIG", `${construct}: ${prop} ${JSON.stringify(value)} is not allowed.`, hint);
}

/** Checks a whole number lies in [min, max]; the error names the construct, the prop and the value. */
export function requireIntegerIn(construct: string, prop: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidProp(construct, prop, value, `Use a whole number from ${min} to ${max}.`);
  }
  return value;
}
