// Settings → Backups and About.
import { useState } from "preact/hooks";
import { getOptional, request } from "../../api.ts";
import { when } from "../../format.ts";
import { Empty, ErrorNote, Loading } from "../../components/bits.tsx";
import { useData } from "../../data.ts";

interface AboutInfo {
  version: string;
  runtime?: string;
  backend: string;
  migrations: { applied: number; latest: string | null; pending?: number; embedded?: number };
  sharedState?: string;
  startedAt?: string;
}

/** The about tab: version, database backend, migrations. */
export function About() {
  const { data, error } = useData(() => getOptional<AboutInfo | null>("/api/v1/about", null), []);
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  if (data === null)
    return (
      <Empty>
        This server does not describe itself yet; run <code>flakeguard version</code>.
      </Empty>
    );
  return (
    <dl class="card">
      <dt>Version</dt>
      <dd>{data.version}</dd>
      {data.runtime && (
        <>
          <dt>Runtime</dt>
          <dd>{data.runtime}</dd>
        </>
      )}
      <dt>Database backend</dt>
      <dd>{data.backend}</dd>
      <dt>Migrations</dt>
      <dd>
        {data.migrations.applied} applied
        {data.migrations.latest && (
          <>
            , newest <code>{data.migrations.latest}</code>
          </>
        )}
        {data.migrations.pending ? ` — ${data.migrations.pending} pending` : " — up to date"}
      </dd>
      {data.sharedState && (
        <>
          <dt>Shared state</dt>
          <dd>{data.sharedState === "memory" ? "in memory (one process)" : data.sharedState}</dd>
        </>
      )}
      {data.startedAt && (
        <>
          <dt>Running since</dt>
          <dd>{when(data.startedAt)}</dd>
        </>
      )}
    </dl>
  );
}

interface Backup {
  name?: string;
  file?: string;
  size?: number;
  createdAt?: string | null;
}

/** The backups tab: the server's backups and "back up now" when it has a backups API, else how to make one. */
export function Backups({ admin }: { admin: boolean }) {
  const { data, error, reload } = useData(() => getOptional<{ backups: Backup[] } | null>("/api/v1/backups", null), []);
  const [problem, setProblem] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  const now = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await request("POST", "/api/v1/backups");
      reload();
    } catch (e) {
      setProblem(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {data && admin && (
        <div class="toolbar">
          <button type="button" class="primary" disabled={busy} onClick={now}>
            Back up now
          </button>
        </div>
      )}
      <ErrorNote error={problem} />
      {data && data.backups.length > 0 && (
        <ul class="card">
          {data.backups.map((b, i) => (
            <li key={i}>
              {b.name ?? b.file}
              {b.size != null && ` — ${(b.size / 1024 / 1024).toFixed(1)} MB`}
              {b.createdAt && ` — ${when(b.createdAt)}`}
            </li>
          ))}
        </ul>
      )}
      {(!data || data.backups.length === 0) && (
        <div class="card">
          <p>
            {data ? "No backups yet." : "This server lists no backups here."} Make one from the command line, while the
            server runs:
          </p>
          <pre>flakeguard backup --keep 14</pre>
          <p>
            It writes a checked file (manifest with row counts and a SHA-256, then the database copy) to the backup
            directory. Restore into an empty data directory or database:
          </p>
          <pre>flakeguard restore FILE</pre>
          <p class="muted">
            Scheduled backups: the <code>backupSchedule</code> setting.
          </p>
        </div>
      )}
    </>
  );
}
