"use client";

/** Any page whose data could not be read: the API's message, and a way to try again. */
export default function ErrorPage({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <section className="panel" role="alert">
      <h1>Something went wrong</h1>
      <p>{error.message || "The platform did not answer."}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
