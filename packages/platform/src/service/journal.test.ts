import { closeSync, fstatSync, mkdtempSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogWriter, journalPriority, stderrIsJournal } from "./journal.ts";

describe("journald logging", () => {
  it("prefixes each line with its priority under systemd, and nothing elsewhere", () => {
    const out: string[] = [];
    const journal = createLogWriter(true, (text) => out.push(text));
    journal("Slipway is up");
    journal("worker of dpl_1 crashed (code 1, signal null)\n    at boom");
    journal("sandbox: no slirp4netns, builds share the host's network");
    expect(out).toEqual([
      "<6>Slipway is up\n",
      "<3>worker of dpl_1 crashed (code 1, signal null)\n<3>    at boom\n",
      "<4>sandbox: no slirp4netns, builds share the host's network\n",
    ]);
    const plain: string[] = [];
    createLogWriter(false, (text) => plain.push(text))("restart failed, still serving");
    expect(plain).toEqual(["restart failed, still serving\n"]);
    expect(journalPriority("[dpl_1 stderr] hello")).toBe(4);
  });

  it("trusts JOURNAL_STREAM only when it names the descriptor written to", () => {
    const fd = openSync(join(mkdtempSync(join(tmpdir(), "slipway-journal-")), "log"), "w");
    const { dev, ino } = fstatSync(fd);
    expect(stderrIsJournal({ JOURNAL_STREAM: `${dev}:${ino}` }, fd)).toBe(true);
    expect(stderrIsJournal({ JOURNAL_STREAM: `${dev}:${ino + 1}` }, fd)).toBe(false);
    expect(stderrIsJournal({}, fd)).toBe(false);
    closeSync(fd);
  });
});
