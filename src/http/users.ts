import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { createUser, deleteUser, updateUser } from "../accounts/users.ts";
import type { UserRecord } from "../model/user.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { ErrorSchema, authErrors, badRequestResponse, iso, notFoundResponse } from "./schemas.ts";

const RoleSchema = z.enum(["admin", "member", "viewer"]);
const UserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: RoleSchema,
    createdAt: z.string().nullable(),
    lastLoginAt: z.string().nullable(),
    disabled: z.boolean(),
  })
  .openapi("User");
const NewUser = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
        "must be letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
      ),
    password: z.string().max(1024),
    role: RoleSchema,
  })
  .strict()
  .openapi("NewUser");
const UserChange = z
  .object({ role: RoleSchema.optional(), password: z.string().max(1024).optional(), disabled: z.boolean().optional() })
  .strict()
  .openapi("UserChange");
const IdParam = z.object({ id: z.string().max(100) });

/** A user as the API shows it (never the password hash). */
const userJson = (u: UserRecord) => ({
  id: u.id,
  name: u.name,
  role: u.role,
  createdAt: iso(u.createdAt),
  lastLoginAt: iso(u.lastLoginAt),
  disabled: u.disabledAt !== null,
});

/** GET /api/v1/users */
export const listUsersRoute = createRoute({
  method: "get",
  path: "/api/v1/users",
  tags: ["users"],
  security: [{ bearer: [] }],
  summary: "Every user (admin)",
  responses: {
    200: {
      description: "Users by name",
      content: { "application/json": { schema: z.object({ users: z.array(UserSchema) }) } },
    },
    ...authErrors,
  },
});

/** Handler: list users. */
export const listUsersHandler =
  (d: HttpDeps): RouteHandler<typeof listUsersRoute, HttpEnv> =>
  async (c) =>
    c.json({ users: (await d.store.users.listUsers()).map(userJson) }, 200);

/** POST /api/v1/users */
export const createUserRoute = createRoute({
  method: "post",
  path: "/api/v1/users",
  tags: ["users"],
  security: [{ bearer: [] }],
  summary: "Create a user (admin); the password needs at least 12 characters",
  request: { body: { required: true, content: { "application/json": { schema: NewUser } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: UserSchema } } },
    409: { description: "Name taken", content: { "application/json": { schema: ErrorSchema } } },
    ...badRequestResponse,
    ...authErrors,
  },
});

/** Handler: create a user. */
export const createUserHandler =
  (d: HttpDeps): RouteHandler<typeof createUserRoute, HttpEnv> =>
  async (c) =>
    c.json(userJson(await createUser(d.store, c.req.valid("json"), c.get("principal").actor, d.clock())), 201);

/** PATCH /api/v1/users/:id */
export const updateUserRoute = createRoute({
  method: "patch",
  path: "/api/v1/users/{id}",
  tags: ["users"],
  security: [{ bearer: [] }],
  summary: "Change a user's role, password or disabled state (admin); a new password or disabling ends their sessions",
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: UserChange } } } },
  responses: {
    200: { description: "Changed", content: { "application/json": { schema: UserSchema } } },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: change a user. */
export const updateUserHandler =
  (d: HttpDeps): RouteHandler<typeof updateUserRoute, HttpEnv> =>
  async (c) =>
    c.json(
      userJson(
        await updateUser(d.store, c.req.valid("param").id, c.req.valid("json"), c.get("principal").actor, d.clock()),
      ),
      200,
    );

/** DELETE /api/v1/users/:id */
export const deleteUserRoute = createRoute({
  method: "delete",
  path: "/api/v1/users/{id}",
  tags: ["users"],
  security: [{ bearer: [] }],
  summary: "Delete a user (admin); their sessions end",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...authErrors, ...notFoundResponse },
});

/** Handler: delete a user. */
export const deleteUserHandler =
  (d: HttpDeps): RouteHandler<typeof deleteUserRoute, HttpEnv> =>
  async (c) => {
    await deleteUser(d.store, c.req.valid("param").id, c.get("principal").actor, d.clock());
    return c.body(null, 204);
  };
