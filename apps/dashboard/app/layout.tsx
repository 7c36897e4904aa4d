import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NavLink } from "../components/nav-link";
import { ThemeToggle } from "../components/theme-toggle";
import "./globals.css";

export const metadata: Metadata = { title: { default: "Slipway", template: "%s · Slipway" } };

// Runs before the first paint: the toggle's saved choice wins over the system's, without a flash.
const THEME_SCRIPT = `try{var t=localStorage.getItem("slipway-theme");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant, no user input */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <a className="skip" href="#content">
          Skip to content
        </a>
        <header className="top">
          <a className="brand" href="/">
            Slipway
          </a>
          <nav className="main" aria-label="Main">
            <NavLink href="/">Sites</NavLink>
            <NavLink href="/new">New project</NavLink>
            <NavLink href="/team">Team</NavLink>
            <NavLink href="/domains">Domains</NavLink>
            <NavLink href="/usage">Usage</NavLink>
          </nav>
          <ThemeToggle />
          <form action="/sign-out" method="post">
            <button type="submit">Sign out</button>
          </form>
        </header>
        <main id="content">{children}</main>
      </body>
    </html>
  );
}
