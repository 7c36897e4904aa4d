"use client";
import type { TelemetryEntryView } from "@slipway/client";
import { useEffect, useRef, useState } from "react";

/** What the tail keeps in the page: the newest entries, so a long session stays light. */
const KEPT = 500;

function describe(entry: TelemetryEntryView): string {
  const time = entry.at.slice(11, 23);
  if (entry.kind === "request") {
    const cold = entry.coldStart ? " cold" : "";
    return `${time} ${entry.status} ${entry.method} ${entry.path} ${Math.round(entry.durationMs)} ms${cold} [${entry.requestId}]`;
  }
  return `${time} ${entry.level.toUpperCase().padEnd(5)} ${entry.text}${entry.requestId ? ` [${entry.requestId}]` : ""}`;
}

function tone(entry: TelemetryEntryView): string {
  if (entry.kind === "request") return entry.status >= 500 ? "stderr" : entry.status >= 400 ? "warn" : "";
  return entry.level === "error" ? "stderr" : entry.level === "warn" ? "warn" : "system";
}

/**
 * A site's runtime log, following live: it starts from the entries the server rendered and
 * streams the rest over SSE (EventSource reconnects with Last-Event-ID when the API ends a stream
 * at its time limit). Pausing closes the stream; resuming asks for what came after the last entry.
 */
export function RuntimeLog({
  site,
  query,
  initial,
}: {
  site: string;
  query: Record<string, string>;
  initial: TelemetryEntryView[];
}) {
  const [entries, setEntries] = useState(initial);
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState<"connecting" | "live" | "reconnecting">("connecting");
  const last = useRef(initial.at(-1)?.seq ?? 0);
  const box = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  const search = new URLSearchParams(query).toString();

  useEffect(() => {
    if (paused) return;
    const params = new URLSearchParams(search);
    if (last.current > 0) params.set("after", String(last.current));
    const source = new EventSource(`/sites/${encodeURIComponent(site)}/logs/stream?${params}`);
    source.onopen = () => setState("live");
    source.onerror = () => setState("reconnecting");
    source.addEventListener("entry", (event) => {
      const entry = JSON.parse((event as MessageEvent<string>).data) as TelemetryEntryView;
      if (entry.seq <= last.current) return;
      last.current = entry.seq;
      setEntries((previous) => [...previous, entry].slice(-KEPT));
    });
    return () => source.close();
  }, [site, search, paused]);

  useEffect(() => {
    const element = box.current;
    if (element && follow.current && entries.length > 0) element.scrollTop = element.scrollHeight;
  }, [entries]);

  return (
    <>
      <div className="row spread">
        <p role="status" aria-live="polite" className="muted" style={{ margin: 0 }}>
          {paused ? "Paused" : state === "live" ? "Live" : state === "connecting" ? "Connecting…" : "Reconnecting…"} ·{" "}
          {entries.length} entries
        </p>
        <button type="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
          {paused ? "Resume" : "Pause"}
        </button>
      </div>
      <pre
        className="log"
        ref={box}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users scroll it too
        tabIndex={0}
        role="log"
        aria-label="Runtime log"
        onScroll={(event) => {
          const element = event.currentTarget;
          follow.current = element.scrollTop + element.clientHeight >= element.scrollHeight - 8;
        }}
      >
        {entries.length === 0 ? "No entries yet: requests to the site show here as they happen.\n" : null}
        {entries.map((entry) => (
          <span key={entry.seq} className={tone(entry)}>
            {describe(entry)}
            {"\n"}
          </span>
        ))}
      </pre>
    </>
  );
}
