// The frame around every signed-in page: brand, navigation, theme switch, who is signed in, sign out.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { User } from "../api.ts";

type Theme = "system" | "light" | "dark";
const THEME_KEY = "flakeguard.theme";

/** Applies the saved theme (call once before the first render, so there is no flash). */
export function applyTheme(theme = (localStorage.getItem(THEME_KEY) ?? "system") as Theme): void {
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

function ThemeSwitch() {
  const [theme, setTheme] = useState((localStorage.getItem(THEME_KEY) ?? "system") as Theme);
  return (
    <label class="inline">
      <span class="label">Theme</span>
      <select
        aria-label="Theme"
        value={theme}
        onChange={(e) => {
          const next = (e.target as HTMLSelectElement).value as Theme;
          localStorage.setItem(THEME_KEY, next);
          applyTheme(next);
          setTheme(next);
        }}
      >
        <option value="system">system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}

/** The page frame; `section` marks the current navigation entry. */
export function Layout(props: {
  user: User;
  section: string;
  project?: string;
  onSignOut: () => void;
  children: ComponentChildren;
}) {
  const here = (id: string) => (id === props.section ? "page" : undefined);
  const q = props.project ? `/projects/${encodeURIComponent(props.project)}` : "";
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          FlakeGuard
        </a>
        <nav aria-label="Main">
          <a href="/" aria-current={here("overview")}>
            Overview
          </a>
          {q && (
            <a href={q} aria-current={here("project")}>
              {props.project}
            </a>
          )}
          <a href={q ? `${q}/quarantine` : "/quarantine"} aria-current={here("quarantine")}>
            Quarantine
          </a>
          <a href="/settings" aria-current={here("settings")}>
            Settings
          </a>
        </nav>
        <div class="who">
          <ThemeSwitch />
          <span class="name">
            {props.user.name} ({props.user.role})
          </span>
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
