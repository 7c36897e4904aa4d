"use client";
import type { LogLineView } from "@slipway/client";
import { useEffect, useRef, useState } from "react";

/**
 * The build log, following while the deployment builds: it starts from the lines the server
 * rendered and streams the rest (EventSource reconnects by itself with Last-Event-ID when the
 * API ends a stream at its time limit), until the `end` event tells the final status.
 */
export function LiveLog({
  deploymentId,
  initial,
  finished,
}: {
  deploymentId: string;
  initial: LogLineView[];
  finished: boolean;
}) {
  const [lines, setLines] = useState(initial);
  const [end, setEnd] = useState<string | null>(finished ? "done" : null);
  const box = useRef<HTMLPreElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    if (finished) return;
    const after = initial.at(-1)?.seq ?? 0;
    const source = new EventSource(`/deployments/${deploymentId}/log-stream?after=${after}`);
    source.addEventListener("log", (event) => {
      const line = JSON.parse((event as MessageEvent<string>).data) as LogLineView;
      setLines((previous) => ((previous.at(-1)?.seq ?? 0) >= line.seq ? previous : [...previous, line]));
    });
    source.addEventListener("end", (event) => {
      const { status } = JSON.parse((event as MessageEvent<string>).data) as { status?: string };
      setEnd(status ?? "done");
      source.close();
      // The page's facts (status, URLs, timings) change with the end: read them again.
      window.location.reload();
    });
    return () => source.close();
  }, [deploymentId, finished, initial]);

  useEffect(() => {
    const element = box.current;
    if (element && follow.current && lines.length > 0) element.scrollTop = element.scrollHeight;
  }, [lines]);

  return (
    <>
      <p role="status" aria-live="polite" className="muted">
        {end === null ? `Following the build… ${lines.length} lines` : `${lines.length} lines`}
      </p>
      <pre
        className="log"
        ref={box}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users scroll it too
        tabIndex={0}
        role="log"
        aria-label="Build log"
        onScroll={(event) => {
          const element = event.currentTarget;
          follow.current = element.scrollTop + element.clientHeight >= element.scrollHeight - 8;
        }}
      >
        {lines.length === 0 ? "Waiting for the first line…" : null}
        {lines.map((line) => (
          <span key={line.seq} className={line.stream}>
            {line.text}
            {"\n"}
          </span>
        ))}
      </pre>
    </>
  );
}
