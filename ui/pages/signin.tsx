// Sign in: with a token (admin fga_…), or with a user name and password.
import { useState } from "preact/hooks";
import { ApiError, signIn, type User } from "../api.ts";
import { ErrorNote } from "../components/bits.tsx";

/** The sign-in page; calls `onSignedIn` with the user. */
export function SignIn({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [mode, setMode] = useState<"token" | "password">("token");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const credentials =
        mode === "token"
          ? { token: field("token") }
          : { username: field("username"), password: String(form.get("password") ?? "") };
      onSignedIn(await signIn(credentials));
    } catch (e) {
      const retry = e instanceof ApiError && e.status === 429 ? " Too many attempts; wait a moment and try again." : "";
      setError(
        new Error(
          e instanceof ApiError && e.status === 401
            ? `Sign-in failed: ${mode === "token" ? "that token is not valid" : "wrong user name or password"}.`
            : `${(e as Error).message}${retry}`,
        ),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <div class="card narrow">
        <h1>Sign in to FlakeGuard</h1>
        <div class="toolbar" role="radiogroup" aria-label="Sign in with">
          <label class="inline">
            <input type="radio" name="mode" checked={mode === "token"} onChange={() => setMode("token")} /> Token
          </label>
          <label class="inline">
            <input type="radio" name="mode" checked={mode === "password"} onChange={() => setMode("password")} /> User
            and password
          </label>
        </div>
        <form class="stack" onSubmit={submit}>
          {mode === "token" ? (
            <>
              <label for="token">Admin token</label>
              <input id="token" name="token" type="password" autoComplete="off" placeholder="fga_…" required />
              <p class="muted">The first start of the server printed one.</p>
            </>
          ) : (
            <>
              <label for="username">User name</label>
              <input id="username" name="username" autoComplete="username" required />
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autoComplete="current-password" required />
            </>
          )}
          <ErrorNote error={error} />
          <button class="primary" type="submit" disabled={busy}>
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
