/** PUT /api/v1/projects/:project/github: link a repository to a project by hand (token mode, or to override the App's naming). */
import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { ensureGitHubIntegration } from "../github/publish.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { ProjectParam, authErrors, badRequestResponse, notFoundResponse } from "./schemas.ts";

const Link = z
  .object({
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name")
      .max(200),
  })
  .openapi("GitHubLink");
const LinkAnswer = z
  .object({ repository: z.string(), project: z.string(), installationId: z.string().nullable() })
  .openapi("GitHubLinkAnswer");

/** PUT /api/v1/projects/:project/github */
export const linkGitHubRoute = createRoute({
  method: "put",
  path: "/api/v1/projects/{project}/github",
  tags: ["github"],
  security: [{ bearer: [] }],
  summary: "Link a GitHub repository to this project: its PR comments (token mode) and App deliveries go here",
  request: { params: ProjectParam, body: { content: { "application/json": { schema: Link } }, required: true } },
  responses: {
    200: { description: "Linked", content: { "application/json": { schema: LinkAnswer } } },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: link (or move) a repository to the project; an App installation already known for it is kept. */
export const linkGitHubHandler =
  (d: HttpDeps): RouteHandler<typeof linkGitHubRoute, HttpEnv> =>
  async (c) => {
    const project = await loadProject(d.store, c, c.req.valid("param").project);
    const { repository } = c.req.valid("json");
    const existing = await d.store.github.getRepository(repository);
    const installationId = existing?.installationId ?? null;
    const now = d.clock();
    await d.store.github.linkRepository({ fullName: repository, installationId, projectId: project.id }, now);
    await ensureGitHubIntegration(d.store, project.id, now);
    await d.store.events.recordEvent(
      {
        projectId: project.id,
        kind: "github.repository.linked",
        actor: actorOf(c.get("principal")),
        data: { repository, installationId },
      },
      now,
    );
    return c.json({ repository: repository.toLowerCase(), project: project.slug, installationId }, 200);
  };

function actorOf(p: unknown): string {
  const who = p as { actor?: string; kind: string; tokenId?: string };
  return who.actor ?? (who.tokenId ? `token:${who.tokenId}` : who.kind);
}
