import { fstatSync } from "node:fs";

/** sd-daemon(3) priorities journald reads from a `<N>` line prefix. */
const ERR = 3;
const WARNING = 4;
const INFO = 6;

/**
 * A log line's priority: the platform's lines are plain sentences, so a few markers tell the
 * faults (a crash, a failure, an error) and the warnings (sandbox shortfalls, a function's
 * stderr, cut connections) from the rest.
 */
export function journalPriority(line: string): number {
  if (/\b(crashed|failed|error|exceeded|killed)\b/i.test(line)) return ERR;
  if (/^(sandbox:|drain:)|\bstderr\]|\bWARNING\b|\bwithout (a )?sandbox\b/i.test(line)) return WARNING;
  return INFO;
}

/**
 * Whether stderr is the journal stream systemd set up (`JOURNAL_STREAM` is `device:inode` of
 * it): a child that inherited the variable but writes elsewhere must not prefix its lines.
 */
export function stderrIsJournal(env: NodeJS.ProcessEnv, fd = 2): boolean {
  const stream = env.JOURNAL_STREAM;
  if (!stream) return false;
  try {
    const { dev, ino } = fstatSync(fd);
    return stream === `${dev}:${ino}`;
  } catch {
    return false;
  }
}

/** The platform's log: one journal entry per line with its priority under systemd, plain lines elsewhere. */
export function createLogWriter(journal: boolean, write: (text: string) => void): (line: string) => void {
  if (!journal) return (line) => write(`${line}\n`);
  return (line) => {
    const priority = journalPriority(line);
    // A multi-line message (a stack) stays together in priority, one entry per line.
    write(
      `${line
        .split("\n")
        .map((part) => `<${priority}>${part}`)
        .join("\n")}\n`,
    );
  };
}
