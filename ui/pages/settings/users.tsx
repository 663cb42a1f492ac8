// Settings → Users: list, add (name, password, role), change role, remove.
import { useState } from "preact/hooks";
import { getOptional, request, seg } from "../../api.ts";
import { Ago, Empty, ErrorNote, Loading } from "../../components/bits.tsx";
import { useData } from "../../data.ts";

interface UserRow {
  id: string;
  name: string;
  role: string;
  createdAt: string | null;
  lastLoginAt: string | null;
  disabled?: boolean;
}

const ROLES = ["viewer", "member", "admin"];

/** The users tab. */
export function Users({ admin }: { admin: boolean }) {
  const { data, error, reload } = useData(() => getOptional<{ users: UserRow[] } | null>("/api/v1/users", null), []);
  const [problem, setProblem] = useState<Error | null>(null);
  if (!admin) return <Empty>Only admins manage users.</Empty>;
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  if (data === null) return <Empty>This server has no user accounts yet: sign in with a token.</Empty>;
  const act = async (fn: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await fn();
      reload();
    } catch (e) {
      setProblem(e as Error);
    }
  };
  const add = (event: Event) => {
    event.preventDefault();
    const formEl = event.target as HTMLFormElement;
    const form = new FormData(formEl);
    void act(async () => {
      await request("POST", "/api/v1/users", {
        name: String(form.get("name")).trim(),
        password: String(form.get("password")),
        role: String(form.get("role")),
      });
      formEl.reset();
    });
  };
  return (
    <>
      <ErrorNote error={problem} />
      {data.users.length === 0 ? (
        <Empty>No users yet.</Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Enabled</th>
                <th class="hide-small">Created</th>
                <th>Last sign-in</th>
                <th>
                  <span class="muted">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.users.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.name}`}
                      value={u.role}
                      onChange={(e) =>
                        act(() =>
                          request("PATCH", `/api/v1/users/${seg(u.id)}`, {
                            role: (e.target as HTMLSelectElement).value,
                          }),
                        )
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${u.name} may sign in`}
                      checked={!u.disabled}
                      onChange={() =>
                        act(() => request("PATCH", `/api/v1/users/${seg(u.id)}`, { disabled: !u.disabled }))
                      }
                    />
                  </td>
                  <td class="hide-small">
                    <Ago at={u.createdAt} />
                  </td>
                  <td>
                    <Ago at={u.lastLoginAt} />
                  </td>
                  <td>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Remove ${u.name}`}
                      onClick={() =>
                        confirm(`Remove ${u.name}? Their sessions end now.`) &&
                        act(() => request("DELETE", `/api/v1/users/${seg(u.id)}`))
                      }
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Add a user</h2>
      <form class="row card" onSubmit={add}>
        <div>
          <label for="u-name">User name</label>
          <input id="u-name" name="name" required autoComplete="off" />
        </div>
        <div>
          <label for="u-password">Password</label>
          <input id="u-password" name="password" type="password" required minLength={8} autoComplete="new-password" />
        </div>
        <div>
          <label for="u-role">Role</label>
          <select id="u-role" name="role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary">
          Add user
        </button>
      </form>
    </>
  );
}
