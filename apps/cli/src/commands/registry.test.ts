import { describe, expect, it } from "vitest";
import { COMMANDS, GLOBAL_FLAGS } from "./registry.ts";

describe("command registry", () => {
  it("gives a flag one type and one short letter across every command", () => {
    const seen = new Map<string, string>();
    const shorts = new Map<string, string>();
    for (const options of [GLOBAL_FLAGS, ...COMMANDS.map((c) => c.options)]) {
      for (const [name, spec] of Object.entries(options)) {
        const shape = `${spec.type}${spec.multiple ? "[]" : ""}/${spec.short ?? ""}`;
        expect(seen.get(name) ?? shape, `--${name}`).toBe(shape);
        seen.set(name, shape);
        if (spec.short) {
          expect(shorts.get(spec.short) ?? name, `-${spec.short}`).toBe(name);
          shorts.set(spec.short, name);
        }
      }
    }
  });
});
