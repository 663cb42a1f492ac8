// Settings → Sessions: who is signed in where (an admin sees everyone's, others their own); revoke one.
import { useState } from "preact/hooks";
import { getOptional, request, seg } from "../../api.ts";
import { Ago, Empty, ErrorNote, Loading } from "../../components/bits.tsx";
import { useData } from "../../data.ts";

interface SessionRow {
  id: string;
  user: string | null;
  tokenId: string | null;
  role: string;
  createdAt: string | null;
  lastSeenAt: string | null;
  expiresAt: string | null;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

/** The sessions tab. */
export function Sessions() {
  const { data, error, reload } = useData(
    () => getOptional<{ sessions: SessionRow[] } | null>("/api/v1/sessions", null),
    [],
  );
  const [problem, setProblem] = useState<Error | null>(null);
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  if (data === null) return <Empty>This server has no browser sessions: sign-in uses the token directly.</Empty>;
  if (data.sessions.length === 0) return <Empty>No open sessions.</Empty>;
  const revoke = async (s: SessionRow) => {
    setProblem(null);
    try {
      await request("DELETE", `/api/v1/sessions/${seg(s.id)}`);
      reload();
    } catch (e) {
      setProblem(e as Error);
    }
  };
  return (
    <>
      <ErrorNote error={problem} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Who</th>
              <th>Role</th>
              <th class="hide-small">Browser</th>
              <th>Last seen</th>
              <th class="hide-small">Expires</th>
              <th>
                <span class="muted">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.user ?? (s.tokenId ? "admin token" : "–")}
                  {s.current && <span class="sub">this browser</span>}
                </td>
                <td>{s.role}</td>
                <td class="hide-small">
                  {s.userAgent?.slice(0, 80) ?? "–"}
                  <span class="sub">{s.ip}</span>
                </td>
                <td>
                  <Ago at={s.lastSeenAt} />
                </td>
                <td class="hide-small">
                  <Ago at={s.expiresAt} />
                </td>
                <td>
                  {!s.current && (
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Revoke the session of ${s.user ?? "admin token"}`}
                      onClick={() => revoke(s)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
