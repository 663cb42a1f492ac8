import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createUser } from "../accounts/users.ts";
import { generatePassword } from "../auth/passwords.ts";
import type { Role } from "../model/project.ts";
import { withStore } from "./admin.ts";
import { SERVER_FLAGS, SERVER_FLAGS_HELP, parseFlags } from "./args.ts";
import { UsageError, type Command } from "./command.ts";

const ROLES: readonly Role[] = ["admin", "member", "viewer"];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

/** `flakeguard user create --name N --role admin|member|viewer [--password-file F]`. */
export const userCreateCommand: Command = {
  path: ["user", "create"],
  summary: "Create a user who signs in to the web UI with a name and password",
  help: `Usage: flakeguard user create --name NAME --role admin|member|viewer [--password-file FILE] [flags]

Creates a user directly in the database (against a running server: POST /api/v1/users with an admin token).
Without --password-file a random password is generated and printed on stdout, alone, this once.
Roles: viewer reads everything, member also quarantines and releases tests, admin does everything.

Flags:
  --name NAME            the sign-in name (letters, digits, '.', '_', '@', '-')
  --role ROLE            admin, member or viewer
  --password-file FILE   read the password from FILE (first line; at least 12 characters)
${SERVER_FLAGS_HELP}`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      ...SERVER_FLAGS,
      name: { type: "string" },
      role: { type: "string" },
      "password-file": { type: "string" },
    });
    const { name, role, "password-file": file, ...server } = values;
    if (!name || !NAME.test(name))
      throw new UsageError(
        "--name is required: letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
      );
    if (!role || !ROLES.includes(role as Role))
      throw new UsageError(`--role must be one of ${ROLES.join(", ")}${role ? `, got '${role}'` : ""}`);
    const password =
      file === undefined ? generatePassword() : readFileSync(resolve(io.cwd, file), "utf8").split(/\r?\n/)[0];
    const user = await withStore(server, io, (store) =>
      createUser(store, { name, password, role: role as Role }, "cli", Date.now()),
    );
    io.stderr(
      `created ${user.role} ${user.name} (id ${user.id})${file === undefined ? "; the password is shown only this once:" : ""}`,
    );
    if (file === undefined) io.stdout(password);
    return 0;
  },
};

/** `flakeguard user ls`. */
export const userLsCommand: Command = {
  path: ["user", "ls"],
  summary: "List the users: name, role, last sign-in",
  help: `Usage: flakeguard user ls [flags]

Flags:
${SERVER_FLAGS_HELP}`,
  async run(args, io) {
    const { values } = parseFlags(args, { ...SERVER_FLAGS });
    const users = await withStore(values, io, (store) => store.users.listUsers());
    for (const u of users) {
      const last = u.lastLoginAt === null ? "never signed in" : `last sign-in ${new Date(u.lastLoginAt).toISOString()}`;
      io.stdout(`${u.name}\t${u.role}\t${last}${u.disabledAt === null ? "" : "\tdisabled"}`);
    }
    if (users.length === 0) io.stderr("no users (create one with: flakeguard user create --name NAME --role admin)");
    return 0;
  },
};
