// Counts across projects for the overview page: tests, flaky, broken and quarantined now, and per day
// over a window (daily snapshots of verdict counts, quarantines replayed from their start and end,
// failures summed from the reports' counts).
import { sql } from "drizzle-orm";
import type { Db } from "./backend/db.ts";
import type { IncidentRecord } from "./incidents.ts";
import { reportCount } from "./runs.ts";

const DAY_MS = 86_400_000;

/** A project's headline counts. */
export interface ProjectCounts {
  tests: number;
  flaky: number;
  broken: number;
  quarantined: number;
}

/** One day of a project's trend; flaky/broken are null before the first snapshot. */
export interface TrendDay {
  day: string;
  flaky: number | null;
  broken: number | null;
  quarantined: number;
  failures: number;
}

/** A recent incident with its project's slug. */
export interface RecentIncident extends IncidentRecord {
  project: string;
}

/** `YYYY-MM-DD` (UTC) of an instant. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const inList = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
const empty = (): ProjectCounts => ({ tests: 0, flaky: 0, broken: 0, quarantined: 0 });

/** The overview's queries; every function takes the project ids the caller may see. */
export function overviewStore(db: Db) {
  const countField = (field: string) => reportCount(db, field);

  /** Tests, flaky, broken (overall verdicts) and active quarantines per project. */
  const counts = async (projectIds: string[]): Promise<Map<string, ProjectCounts>> => {
    const out = new Map(projectIds.map((id) => [id, empty()]));
    if (projectIds.length === 0) return out;
    const ids = inList(projectIds);
    const [tests, verdicts, quarantined] = await Promise.all([
      db.rows<{ p: string; n: number | string }>(
        sql`select project_id as p, count(*) as n from tests where project_id in (${ids}) group by project_id`,
      ),
      db.rows<{ p: string; s: string; n: number | string }>(sql`
        select project_id as p, status as s, count(*) as n from verdicts
        where project_id in (${ids}) and variant = '' and status in ('flaky', 'broken') group by project_id, status`),
      db.rows<{ p: string; n: number | string }>(sql`
        select project_id as p, count(*) as n from quarantines where project_id in (${ids}) and state = 'active' group by project_id`),
    ]);
    for (const r of tests) out.get(r.p)!.tests = Number(r.n);
    for (const r of verdicts) out.get(r.p)![r.s as "flaky" | "broken"] = Number(r.n);
    for (const r of quarantined) out.get(r.p)!.quarantined = Number(r.n);
    return out;
  };

  return {
    counts,

    /** Records today's counts of one project (the rescore job calls this; the last write of a day wins). */
    async saveDailyCounts(projectId: string, now: number): Promise<ProjectCounts> {
      const c = (await counts([projectId])).get(projectId)!;
      const t = db.schema.dailyCounts;
      const row = { projectId, day: dayOf(now), ...c, updatedAt: now };
      await db.tx((orm) =>
        orm
          .insert(t)
          .values(row)
          .onConflictDoUpdate({
            target: [t.projectId, t.day],
            set: { tests: c.tests, flaky: c.flaky, broken: c.broken, quarantined: c.quarantined, updatedAt: now },
          }),
      );
      return c;
    },

    /**
     * The last `days` days (today included) per project. Flaky and broken come from the daily snapshots,
     * carried forward over days without one, and today's from `today` (live counts); quarantined is exact
     * (replayed from each quarantine's start and release); failures are failed+errored tests of the day's reports.
     */
    async trend(
      projectIds: string[],
      now: number,
      days: number,
      today: Map<string, ProjectCounts>,
    ): Promise<Map<string, TrendDay[]>> {
      const out = new Map<string, TrendDay[]>();
      if (projectIds.length === 0) return out;
      const ids = inList(projectIds);
      const firstDay = Math.floor(now / DAY_MS) - days + 1;
      const from = firstDay * DAY_MS;
      const [snapshots, failures, quarantines] = await Promise.all([
        // The latest snapshot before the window too, so the first days carry a value forward.
        db.rows<{ p: string; day: string; flaky: number | string; broken: number | string }>(sql`
          select project_id as p, day, flaky, broken from daily_counts d
          where project_id in (${ids}) and (day >= ${dayOf(from)} or day = (
            select max(day) from daily_counts d2 where d2.project_id = d.project_id and d2.day < ${dayOf(from)}))
          order by project_id, day`),
        db.rows<{ p: string; d: number | string; n: number | string }>(sql`
          select project_id as p, floor(received_at / ${sql.raw(String(DAY_MS))}) as d, sum(${countField("failed")} + ${countField("error")}) as n
          from reports where project_id in (${ids}) and received_at >= ${from} group by project_id, floor(received_at / ${sql.raw(String(DAY_MS))})`),
        db.rows<{ p: string; since: number | string; released: number | string | null }>(sql`
          select project_id as p, since, released_at as released from quarantines
          where project_id in (${ids}) and since < ${now} and (released_at is null or released_at >= ${from})`),
      ]);
      for (const id of projectIds) {
        const list: TrendDay[] = [];
        for (let d = firstDay; d < firstDay + days; d++)
          list.push({ day: dayOf(d * DAY_MS), flaky: null, broken: null, quarantined: 0, failures: 0 });
        out.set(id, list);
      }
      const byDay = (p: string, d: number) => out.get(p)?.[d - firstDay];
      for (const r of failures) {
        const cell = byDay(r.p, Number(r.d));
        if (cell) cell.failures = Number(r.n);
      }
      for (const q of quarantines) {
        // Quarantined on a day = active at the day's end (or now, for today).
        for (const cell of out.get(q.p)!) {
          const end = Math.min(Date.parse(`${cell.day}T00:00:00Z`) + DAY_MS - 1, now);
          if (Number(q.since) <= end && (q.released == null || Number(q.released) > end)) cell.quarantined++;
        }
      }
      const snaps = new Map<string, Map<string, { flaky: number; broken: number }>>();
      for (const s of snapshots) {
        if (!snaps.has(s.p)) snaps.set(s.p, new Map());
        snaps.get(s.p)!.set(s.day, { flaky: Number(s.flaky), broken: Number(s.broken) });
      }
      for (const [p, list] of out) {
        const own = snaps.get(p) ?? new Map<string, { flaky: number; broken: number }>();
        let carry = [...own.entries()].find(([day]) => day < list[0].day)?.[1] ?? null;
        for (const cell of list) {
          carry = own.get(cell.day) ?? carry;
          if (carry) {
            cell.flaky = carry.flaky;
            cell.broken = carry.broken;
          }
        }
        const live = today.get(p);
        if (live) {
          list[list.length - 1].flaky = live.flaky;
          list[list.length - 1].broken = live.broken;
        }
      }
      return out;
    },

    /** The most recent incidents of these projects, newest first. */
    async recentIncidents(projectIds: string[], limit: number): Promise<RecentIncident[]> {
      if (projectIds.length === 0) return [];
      const rows = await db.rows<Record<string, unknown>>(sql`
        select i.id, i.project_id as "projectId", p.slug as project, i.report_id as "reportId", i.ci_run as run, i.job,
          i.commit_sha as "commit", i.cause, i.reason, i.failing, i.total, i.created_at as "createdAt"
        from incidents i join projects p on p.id = i.project_id
        where i.project_id in (${inList(projectIds)}) order by i.created_at desc, i.id desc limit ${limit}`);
      return rows.map((r) => ({
        id: String(r.id),
        projectId: String(r.projectId),
        project: String(r.project),
        reportId: String(r.reportId),
        run: (r.run as string | null) ?? null,
        job: (r.job as string | null) ?? null,
        commit: (r.commit as string | null) ?? null,
        cause: (r.cause as string | null) ?? null,
        reason: String(r.reason),
        failing: Number(r.failing),
        total: Number(r.total),
        createdAt: Number(r.createdAt),
      }));
    },
  };
}

/** The overview's store functions. */
export type OverviewStore = ReturnType<typeof overviewStore>;
