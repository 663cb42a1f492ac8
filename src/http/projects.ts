import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { createProject, projectCounts } from "../accounts/projects.ts";
import { notFound } from "../lib/errors.ts";
import type { Project } from "../model/project.ts";
import type { Store } from "../store/index.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { requireProjectAccess } from "./middleware/auth.ts";
import { ErrorSchema, ProjectParam, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const ProjectSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    defaultBranch: z.string(),
    createdAt: z.string().nullable(),
    counts: z
      .object({
        reports: z.number(),
        pendingReports: z.number(),
        pendingRescores: z.number().openapi({
          description:
            "Rescores that will still change a verdict: queued, waiting, running, or of reports still being processed. With pendingReports 0 too, verdicts are current with every stored report.",
        }),
      })
      .optional(),
  })
  .openapi("Project");

const NewProjectSchema = z
  .object({
    slug: z
      .string()
      .min(1)
      .max(100)
      .regex(
        /^[a-z0-9][a-z0-9._-]*$/,
        "must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
      ),
    name: z.string().min(1).max(200).optional(),
    defaultBranch: z.string().min(1).max(255).optional(),
  })
  .strict()
  .openapi("NewProject");

/** POST /api/v1/projects */
export const createProjectRoute = createRoute({
  method: "post",
  path: "/api/v1/projects",
  tags: ["projects"],
  summary: "Create a project (admin)",
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { "application/json": { schema: NewProjectSchema } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: ProjectSchema } } },
    409: { description: "Slug taken", content: { "application/json": { schema: ErrorSchema } } },
    ...badRequestResponse,
    ...authErrors,
  },
});

/** GET /api/v1/projects */
export const listProjectsRoute = createRoute({
  method: "get",
  path: "/api/v1/projects",
  tags: ["projects"],
  summary: "List the projects this token can see",
  security: [{ bearer: [] }],
  responses: {
    200: {
      description: "Projects",
      content: { "application/json": { schema: z.object({ projects: z.array(ProjectSchema) }) } },
    },
    ...authErrors,
  },
});

/** GET /api/v1/projects/:project */
export const getProjectRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{project}",
  tags: ["projects"],
  summary: "One project, with counts",
  security: [{ bearer: [] }],
  request: { params: ProjectParam },
  responses: {
    200: { description: "The project", content: { "application/json": { schema: ProjectSchema } } },
    ...authErrors,
    ...notFoundResponse,
  },
});

/** The project as the API shows it. */
export function projectJson(p: Project, counts?: { reports: number; pendingReports: number; pendingRescores: number }) {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    defaultBranch: p.defaultBranch,
    createdAt: iso(p.createdAt),
    ...(counts ? { counts } : {}),
  };
}

/** Loads a project by slug and checks the token may use it: 404 / 403 otherwise. */
export async function loadProject(
  store: Store,
  c: Parameters<typeof requireProjectAccess>[0],
  slug: string,
): Promise<Project> {
  const project = await store.projects.getProject(slug);
  if (!project) throw notFound(`project '${slug}'`);
  requireProjectAccess(c, project);
  return project;
}

/** Handler: create a project. */
export const createProjectHandler =
  (d: HttpDeps): RouteHandler<typeof createProjectRoute, HttpEnv> =>
  async (c) => {
    const body = c.req.valid("json");
    const project = await createProject(
      d.store,
      {
        slug: body.slug,
        name: body.name ?? body.slug,
        defaultBranch: body.defaultBranch ?? "main",
      },
      c.get("principal").actor,
      d.clock(),
    );
    return c.json(projectJson(project), 201);
  };

/** Handler: list projects (an upload token sees its own). */
export const listProjectsHandler =
  (d: HttpDeps): RouteHandler<typeof listProjectsRoute, HttpEnv> =>
  async (c) => {
    const p = c.get("principal");
    const all = await d.store.projects.listProjects();
    const visible = p.kind === "upload" ? all.filter((x) => x.id === p.projectId) : all;
    return c.json({ projects: visible.map((x) => projectJson(x)) }, 200);
  };

/** Handler: one project with its counts. */
export const getProjectHandler =
  (d: HttpDeps): RouteHandler<typeof getProjectRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    return c.json(projectJson(project, await projectCounts(d.store, project.id)), 200);
  };
