"use client";
import { useState } from "react";

/**
 * Email and password, sent to better-auth at /api/auth on this same origin: its answer sets the
 * session cookie, which every page then forwards to the API. The password never passes through
 * the dashboard's server code.
 */
export function AuthForm({ mode, invitation }: { mode: "sign-in" | "sign-up"; invitation?: string }) {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const label = mode === "sign-in" ? "Sign in" : "Create account";
  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const body = Object.fromEntries(
          ["name", "email", "password"].flatMap((k) => (form.has(k) ? [[k, form.get(k)]] : [])),
        );
        setPending(true);
        setProblem(null);
        const query = invitation ? `?invitation=${encodeURIComponent(invitation)}` : "";
        const response = await fetch(`/api/auth/${mode}/email${query}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }).catch(() => null);
        if (response?.ok) {
          window.location.assign("/");
          return;
        }
        const answer = (await response?.json().catch(() => null)) as { message?: string } | null;
        setProblem(answer?.message ?? "The platform did not answer; try again.");
        setPending(false);
      }}
    >
      {mode === "sign-up" ? (
        <>
          <label htmlFor="name">Name</label>
          <input id="name" name="name" type="text" autoComplete="name" required />
        </>
      ) : null}
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="text" inputMode="email" autoComplete="email" required />
      <label htmlFor="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
        minLength={8}
        required
      />
      <p>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? `${label}…` : label}
        </button>
      </p>
      <output className="outcome bad" aria-live="polite">
        {problem ?? ""}
      </output>
    </form>
  );
}
