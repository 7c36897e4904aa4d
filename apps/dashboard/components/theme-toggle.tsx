"use client";
import { useEffect, useState } from "react";

const CHOICES = ["system", "light", "dark"] as const;
type Choice = (typeof CHOICES)[number];

/** System, light or dark; the choice is kept in localStorage and applied as data-theme on <html>. */
export function ThemeToggle() {
  const [choice, setChoice] = useState<Choice>("system");
  useEffect(() => {
    const saved = localStorage.getItem("slipway-theme");
    if (saved === "light" || saved === "dark") setChoice(saved);
  }, []);
  const next = () => {
    const chosen = CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length] ?? "system";
    setChoice(chosen);
    if (chosen === "system") {
      localStorage.removeItem("slipway-theme");
      delete document.documentElement.dataset.theme;
    } else {
      localStorage.setItem("slipway-theme", chosen);
      document.documentElement.dataset.theme = chosen;
    }
  };
  return (
    <button type="button" onClick={next} aria-label={`Theme: ${choice}. Change theme`}>
      Theme: {choice}
    </button>
  );
}
