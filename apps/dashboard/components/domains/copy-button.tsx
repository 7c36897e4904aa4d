"use client";
import { useState } from "react";

/**
 * Copies one value to the clipboard; the result is announced (a screen reader hears "Copied").
 * Where the clipboard is refused (a non-secure origin), it says so: the value stays selectable.
 */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [said, setSaid] = useState("");
  return (
    <>
      <button
        type="button"
        className="copy"
        aria-label={`Copy ${label}`}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            setSaid("Copied");
          } catch {
            setSaid("Copy refused by the browser: select the value instead");
          }
        }}
      >
        Copy
      </button>
      <output aria-live="polite" className="outcome ok">
        {said ? ` ${said}` : ""}
      </output>
    </>
  );
}
