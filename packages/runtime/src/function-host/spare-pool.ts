import type { SpareBox } from "@slipway/sandbox";

/**
 * One spare sandbox per worker command line (one per Node.js release in use), started after a
 * cold start so that the next one skips the cgroup join (see SpareBox). Idle it costs a bwrap
 * process blocked on a read (~1 MB) and an empty cgroup.
 */
export class SparePool {
  private readonly spares = new Map<string, SpareBox>();
  private closed = false;

  /** `make` returns null when no spare should be kept (e.g. its cgroup could not be made). */
  constructor(private readonly make: (argv: readonly string[]) => SpareBox | null) {}

  /**
   * The spare for `argv`, taken out of the pool once it is in its cgroup (one still joining is
   * waited for), or null (the caller starts a box itself).
   */
  async take(argv: readonly string[]): Promise<SpareBox | null> {
    const key = keyOf(argv);
    const spare = this.spares.get(key);
    if (!spare) return null;
    this.spares.delete(key);
    const joined = await spare.joined.then(
      () => true,
      () => false,
    );
    if (joined && spare.usable()) return spare;
    spare.discard();
    return null;
  }

  /** Starts a spare for `argv` unless one is there already (a dead one is replaced). */
  refill(argv: readonly string[]): void {
    if (this.closed) return;
    const key = keyOf(argv);
    const current = this.spares.get(key);
    if (current?.alive()) return;
    current?.discard();
    this.spares.delete(key);
    const spare = this.make(argv);
    if (!spare) return;
    this.spares.set(key, spare);
    // A spare that dies idle (killed from outside) leaves the pool; the next cold start refills it.
    spare.child.once("exit", () => {
      if (this.spares.get(key) === spare) this.spares.delete(key);
      spare.discard();
    });
  }

  close(): void {
    this.closed = true;
    for (const spare of this.spares.values()) spare.discard();
    this.spares.clear();
  }
}

function keyOf(argv: readonly string[]): string {
  return argv.join("\0");
}
