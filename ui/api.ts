// The API client: same-origin fetch with the session cookie and its CSRF token on changes. A sign-in
// with a token falls back to sending it as a Bearer header (kept for this tab only) when the server
// has no session endpoint.

/** An API failure: HTTP status, the server's error code and its message. */
export class ApiError extends Error {
  status: number;
  code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Who is signed in. */
export interface User {
  id: string;
  name: string;
  role: "viewer" | "member" | "admin" | "upload";
}

interface SessionBody {
  user: User;
  csrfToken: string;
}

const TOKEN_KEY = "flakeguard.token";
const TOKEN_USER: User = { id: "token", name: "admin token", role: "admin" };
let csrfToken = "";
let signedOut: () => void = () => {};

/** Registers what to do when the server says the session is gone (401). */
export function onSignedOut(fn: () => void): void {
  signedOut = fn;
}

const bearer = () => sessionStorage.getItem(TOKEN_KEY);

/** Sends one request; JSON in and out; throws ApiError on a non-2xx answer. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const token = bearer();
  if (token) headers.authorization = `Bearer ${token}`;
  else if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = res.status === 204 ? "" : await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status line speaks for it
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401 && !path.startsWith("/api/v1/session")) signedOut();
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}

/** GET a JSON resource. */
export const get = <T>(path: string): Promise<T> => request<T>("GET", path);

/** GET that answers `fallback` when the route does not exist (404 no_route) on this server. */
export async function getOptional<T>(path: string, fallback: T): Promise<T> {
  try {
    return await get<T>(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && /no route/.test(e.message)) return fallback;
    throw e;
  }
}

/** True when an error says the server does not have this route. */
export const isMissingRoute = (e: unknown): boolean =>
  e instanceof ApiError && (e.status === 404 || e.status === 405) && /no route/.test(e.message);

/** Path segment, escaped. */
export const seg = (s: string): string => encodeURIComponent(s);

/** The signed-in user, or null. */
export async function currentUser(): Promise<User | null> {
  if (bearer()) {
    try {
      await get("/api/v1/projects");
      return TOKEN_USER;
    } catch {
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    }
  }
  try {
    const s = await get<SessionBody>("/api/v1/session");
    csrfToken = s.csrfToken;
    return s.user;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 404)) return null;
    throw e;
  }
}

/** Signs in with a token or a user name and password. */
export async function signIn(credentials: { token: string } | { username: string; password: string }): Promise<User> {
  try {
    const s = await request<SessionBody>("POST", "/api/v1/session", credentials);
    csrfToken = s.csrfToken;
    return s.user;
  } catch (e) {
    if (!("token" in credentials) || (e instanceof ApiError && e.status === 429)) throw e;
    // No session endpoint on this server: use the token itself, if it is a valid admin token.
    sessionStorage.setItem(TOKEN_KEY, credentials.token);
    const user = await currentUser();
    if (!user) throw new ApiError(401, "unauthorized", "That token is not valid (or was revoked).");
    return user;
  }
}

/** Signs out: ends the session on the server and forgets any token. */
export async function signOut(): Promise<void> {
  const hadToken = bearer();
  sessionStorage.removeItem(TOKEN_KEY);
  if (!hadToken) await request("DELETE", "/api/v1/session").catch(() => undefined);
  csrfToken = "";
}
