"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Renders the page again every few seconds while something moves by itself (a certificate being issued). */
export function RefreshWhile({ active, everyMs = 2000 }: { active: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, router]);
  return null;
}
