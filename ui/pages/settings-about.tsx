// Settings → Backups and About.
import { getOptional } from "../api.ts";
import { Empty, ErrorNote, Loading } from "../components/bits.tsx";
import { useData } from "../data.ts";

interface AboutInfo {
  version: string;
  runtime?: string;
  backend: string;
  migrations: { applied: number | string; latest: number | string };
  sharedState?: string;
}

/** The about tab: version, database backend, migrations. */
export function About() {
  const { data, error } = useData(() => getOptional<AboutInfo | null>("/api/v1/about", null), []);
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  if (data === null) return <Empty>This server does not describe itself yet; run <code>flakeguard version</code>.</Empty>;
  return (
    <dl class="card">
      <dt>Version</dt><dd>{data.version}</dd>
      {data.runtime && <><dt>Runtime</dt><dd>{data.runtime}</dd></>}
      <dt>Database backend</dt><dd>{data.backend}</dd>
      <dt>Migrations</dt><dd>{String(data.migrations.applied)} applied, latest {String(data.migrations.latest)}</dd>
      {data.sharedState && <><dt>Shared state</dt><dd>{data.sharedState}</dd></>}
    </dl>
  );
}

interface BackupList {
  backups: { name: string; size?: number; createdAt?: string | null }[];
}

/** The backups tab: the server's backups when it lists them, else how to make one. */
export function Backups() {
  const { data, error } = useData(() => getOptional<BackupList | null>("/api/v1/backups", null), []);
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  if (data === null || data.backups.length === 0) {
    return (
      <div class="card">
        <p>No backups are listed by this server.</p>
        <p>SQLite (the default): stop the server or use SQLite's online backup, then copy the data directory, e.g.</p>
        <pre>sqlite3 flakeguard-data/flakeguard.db ".backup 'flakeguard-backup.db'"</pre>
        <p>PostgreSQL: <code>pg_dump --format=custom "$DATABASE_URL" &gt; flakeguard.dump</code></p>
      </div>
    );
  }
  return (
    <ul class="card">{data.backups.map((b) => <li key={b.name}>{b.name}{b.createdAt && ` — ${b.createdAt}`}</li>)}</ul>
  );
}
