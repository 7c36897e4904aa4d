import type { LogLineView } from "@slipway/client";

export interface BuildStep {
  seq: number;
  text: string;
  /** Until the next step began; null for the last step of a build still running. */
  ms: number | null;
}

/**
 * The builder announces each step on a `system` line; a step lasts until the next one starts.
 * The last step ends at the log's last line.
 */
export function buildSteps(lines: readonly LogLineView[]): BuildStep[] {
  const marks = lines.filter((line) => line.stream === "system");
  const lastAt = lines.at(-1)?.at;
  return marks.map((mark, index) => {
    const end = marks[index + 1]?.at ?? lastAt;
    return { seq: mark.seq, text: mark.text, ms: end ? Date.parse(end) - Date.parse(mark.at) : null };
  });
}
