// The light CI client: `upload`, `run` and `quarantine ls` of the executable — the same modules, bundled
// on their own into GET /cli/flakeguard.js (src/client.ts is its entry) — behind a version check.
import { VERSION } from "../../version.ts";
import type { Command, CommandIO } from "../command.ts";
import { dispatch, overview } from "../dispatch.ts";
import { createQuarantineCommands } from "../quarantine/index.ts";
import { runChild } from "../run/child.ts";
import { createRunCommand } from "../run/index.ts";
import { parseRunArgs } from "../run/options.ts";
import { createUploadCommand, defaultUploadDeps } from "../upload/index.ts";
import { redactUrl, type SendDeps } from "../upload/send.ts";
import { compatibleVersions, serverOf, serverVersion } from "./compat.ts";

const DESCRIPTION = `FlakeGuard's CI client ${VERSION}: uploads test reports, wraps test commands, lists the quarantine.
Fetched from the server (GET /cli/flakeguard.js); needs only Node.js 18 or newer. Same flags, environment
and exit codes as the flakeguard executable's commands of the same names.`;

/** The client's commands over the given network and clock; `version` is the client's own (tests vary it). */
export function clientCommands(deps: SendDeps = defaultUploadDeps(), version = VERSION): Command[] {
  const [ls] = createQuarantineCommands(deps);
  const versionCommand: Command = {
    path: ["version"],
    summary: "Print the client's version",
    help: "Usage: node flakeguard.js version\n\nPrints the version of this CI client and the Node.js it runs on.",
    async run(_args, io) {
      io.stdout(
        `flakeguard ${version} (CI client, node ${process.versions.node}, ${process.platform}-${process.arch})`,
      );
      return 0;
    },
  };
  return [
    checked(createUploadCommand(deps), deps, version),
    checked(createRunCommand(deps), deps, version),
    checked(ls, deps, version),
    versionCommand,
  ];
}

/** Runs the client's command that argv names; resolves to the exit code. */
export function clientMain(argv: string[], io: CommandIO, commands: Command[] = clientCommands()): Promise<number> {
  return dispatch(commands, argv, io, overview(commands, "node flakeguard.js", DESCRIPTION), "flakeguard");
}

/**
 * `command` behind the version check. Against an incompatible server it does nothing of its own and says so
 * — a warning and exit 0, 1 with --fail-on-error — except that `run` still runs the tests and passes on
 * their exit code, as it does whenever it cannot reach the server.
 */
function checked(command: Command, deps: SendDeps, version: string): Command {
  const name = `flakeguard ${command.path.join(" ")}:`;
  return {
    ...command,
    async run(args, io) {
      const failOnError = (args.includes("--") ? args.slice(0, args.indexOf("--")) : args).includes("--fail-on-error");
      // quarantine ls has no --fail-on-error of its own; here it only decides the refusal's exit code.
      const own = command.path[0] === "quarantine" ? args.filter((a) => a !== "--fail-on-error") : args;
      const server = args.includes("--dry-run") ? undefined : serverOf(args, io.env);
      const theirs = server ? await serverVersion(server, deps) : undefined;
      if (theirs === undefined || compatibleVersions(version, theirs)) return command.run(own, io);
      const why =
        `this client (${version}) does not work with the server's version ${theirs}; ` +
        `fetch the client again: curl -fsSL "${redactUrl(server ?? "").replace(/\/+$/, "")}/cli/flakeguard.js" -o flakeguard.js`;
      if (command.path[0] === "run") {
        const child = await runChild({
          command: parseRunArgs(args).command,
          cwd: io.cwd,
          env: io.env,
          stop: io.stopSignal,
        });
        io.stderr(`${name} warning: ${why}; reports not uploaded; exiting with the command's code ${child.code}`);
        return child.code;
      }
      io.stderr(
        `${name} warning: ${why}` + (failOnError ? "" : "; nothing done, exiting 0 (pass --fail-on-error to fail)"),
      );
      return failOnError ? 1 : 0;
    },
  };
}
