import { describe, it } from "vitest";

/** A case the adapter cannot honour, named exactly, with the reason printed in the test report. */
export interface ContractSkip {
  tests: string[];
  reason: string;
}

export interface ContractOptions<T> {
  /** Adapter name, shown in the report ("sqlite", "dynamodb", …). */
  name: string;
  /** A fresh, empty instance: every case gets its own. */
  create: () => Promise<T>;
  skip?: ContractSkip[];
  /** Frees what `create` made beyond the port itself (a connection, a temp table), after each case. */
  dispose?: (subject: T) => Promise<void>;
}

export type ContractCase<T> = (subject: T) => Promise<void>;
export type ContractTest<T> = (name: string, body: ContractCase<T>) => void;

/**
 * Registers one port's cases under `describe("<port> contract (<adapter>)")`. Each case gets a
 * fresh subject and disposes it afterwards. Skips must name existing cases: a typo or a renamed
 * case fails the suite instead of silently running nothing.
 */
export function defineContract<T>(
  port: string,
  options: ContractOptions<T>,
  dispose: (subject: T) => Promise<void>,
  register: (test: ContractTest<T>) => void,
): void {
  const skipped = new Map<string, string>();
  for (const skip of options.skip ?? []) for (const name of skip.tests) skipped.set(name, skip.reason);
  const seen = new Set<string>();

  describe(`${port} contract (${options.name})`, () => {
    register((name, body) => {
      if (seen.has(name)) throw new Error(`${port} contract has two cases named "${name}"`);
      seen.add(name);
      const reason = skipped.get(name);
      if (reason !== undefined) {
        it.skip(`${name} [skipped: ${reason}]`, () => {});
        return;
      }
      it(name, async () => {
        const subject = await options.create();
        try {
          await body(subject);
        } finally {
          await dispose(subject);
          await options.dispose?.(subject);
        }
      });
    });
    const unknown = [...skipped.keys()].filter((name) => !seen.has(name));
    if (unknown.length > 0) {
      throw new Error(`${port} contract (${options.name}) skips unknown cases: ${unknown.join(", ")}`);
    }
  });
}
