// The app: who is signed in, the route table, and the frame around each page.
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import { currentUser, get, onSignedOut, signOut, type User } from "./api.ts";
import { Empty, ErrorNote, Loading, Page } from "./components/bits.tsx";
import { Layout } from "./components/layout.tsx";
import { useData } from "./data.ts";
import { ClusterPage } from "./pages/cluster.tsx";
import { OverviewPage } from "./pages/overview.tsx";
import { ProjectPage } from "./pages/project/index.tsx";
import { QuarantinePage } from "./pages/quarantine/index.tsx";
import { ReportPage } from "./pages/report.tsx";
import { RunPage } from "./pages/run.tsx";
import { SettingsPage } from "./pages/settings/index.tsx";
import { Setup } from "./pages/setup.tsx";
import { SignIn } from "./pages/signin.tsx";
import { TestPage } from "./pages/test.tsx";
import { match, navigate, useLocation } from "./router.ts";
import type { Project } from "./types.ts";

interface Context {
  user: User;
  admin: boolean;
  canChange: boolean;
}
type Route = [pattern: string, section: string, page: (p: Record<string, string>, c: Context) => VNode];

const ROUTES: Route[] = [
  ["/", "overview", (_, c) => <OverviewPage admin={c.admin} />],
  ["/setup", "overview", () => <Setup />],
  ["/quarantine", "quarantine", () => <PickProject />],
  ["/projects/:project", "project", (p) => <ProjectPage slug={p.project} />],
  [
    "/projects/:project/tests/:id",
    "project",
    (p, c) => <TestPage slug={p.project} id={p.id} canChange={c.canChange} />,
  ],
  [
    "/projects/:project/clusters/:id",
    "project",
    (p, c) => <ClusterPage slug={p.project} id={p.id} canChange={c.canChange} />,
  ],
  ["/projects/:project/runs/:run", "project", (p) => <RunPage slug={p.project} run={p.run} />],
  ["/projects/:project/reports/:id", "project", (p) => <ReportPage slug={p.project} id={p.id} />],
  [
    "/projects/:project/quarantine",
    "quarantine",
    (p, c) => <QuarantinePage slug={p.project} canChange={c.canChange} admin={c.admin} />,
  ],
  ["/settings", "settings", (_, c) => <SettingsPage admin={c.admin} />],
  ["/settings/:tab", "settings", (p, c) => <SettingsPage tab={p.tab} admin={c.admin} />],
];

/** /quarantine without a project: go to the first project's list. */
function PickProject() {
  const { data, error } = useData(() => get<{ projects: Project[] }>("/api/v1/projects"), []);
  const first = data?.projects[0]?.slug;
  useEffect(() => {
    if (first) navigate(`/projects/${encodeURIComponent(first)}/quarantine`, true);
  }, [first]);
  if (error) return <ErrorNote error={error} />;
  return data && !first ? (
    <Page title="Quarantine">
      <Empty>No projects yet.</Empty>
    </Page>
  ) : (
    <Loading />
  );
}

/** The whole UI. */
export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [problem, setProblem] = useState<Error | null>(null);
  const { path } = useLocation();
  useEffect(() => {
    onSignedOut(() => setUser(null));
    currentUser().then(setUser, (e: Error) => setProblem(e));
  }, []);
  if (problem)
    return (
      <main id="main">
        <ErrorNote error={problem} />
      </main>
    );
  if (user === undefined)
    return (
      <main id="main">
        <Loading />
      </main>
    );
  if (user === null) return <SignIn onSignedIn={setUser} />;
  const context: Context = {
    user,
    admin: user.role === "admin",
    canChange: user.role === "admin" || user.role === "member",
  };
  const found = ROUTES.map(([pattern, section, page]) => ({ params: match(pattern, path), section, page })).find(
    (r) => r.params,
  );
  const leave = async () => {
    await signOut();
    setUser(null);
    navigate("/");
  };
  return (
    <Layout user={user} section={found?.section ?? ""} project={found?.params?.project} onSignOut={leave}>
      {found ? (
        found.page(found.params!, context)
      ) : (
        <Page title="Not found">
          <Empty>
            No page at {path}. <a href="/">Go to the overview</a>.
          </Empty>
        </Page>
      )}
    </Layout>
  );
}
