// Settings: tokens, users, sessions, integrations, backups, about — one tab each, each with its own URL.
import { Page, Tabs } from "../../components/bits.tsx";
import { About, Backups } from "./about.tsx";
import { Deliveries } from "./deliveries.tsx";
import { Integrations } from "./integrations.tsx";
import { Sessions } from "./sessions.tsx";
import { Tokens } from "./tokens.tsx";
import { Users } from "./users.tsx";

const TABS: [string, string][] = [
  ["tokens", "Tokens"],
  ["users", "Users"],
  ["sessions", "Sessions"],
  ["integrations", "Integrations"],
  ["deliveries", "Deliveries"],
  ["backups", "Backups"],
  ["about", "About"],
];

/** The settings page; `tab` comes from the URL (/settings/:tab). */
export function SettingsPage({ tab = "tokens", admin }: { tab?: string; admin: boolean }) {
  return (
    <Page title="Settings">
      <Tabs tabs={TABS} current={tab} href={(id) => `/settings/${id}`} />
      {tab === "tokens" && <Tokens admin={admin} />}
      {tab === "users" && <Users admin={admin} />}
      {tab === "sessions" && <Sessions />}
      {tab === "integrations" && <Integrations admin={admin} />}
      {tab === "deliveries" && <Deliveries />}
      {tab === "backups" && <Backups admin={admin} />}
      {tab === "about" && <About />}
    </Page>
  );
}
