// Builds the web UI into `outDir`: esbuild bundles main.ts (and its CSS) into content-hashed files
// under assets/, then index.html is written from the template with those names filled in.
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";

/** What buildUi produced: the URL paths of the files written, index.html included. */
export interface UiBuild {
  files: string[];
}

/** Builds ui/ (under `root`) into `outDir`, replacing what was there. */
export async function buildUi(root: string, outDir: string): Promise<UiBuild> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, "ui/main.tsx")],
    outdir: outDir,
    entryNames: "assets/[name]-[hash]",
    assetNames: "assets/[name]-[hash]",
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2022"],
    platform: "browser",
    metafile: true,
    logLevel: "warning",
    jsx: "automatic",
    jsxImportSource: "preact",
  });
  // Metafile paths are relative to absWorkingDir; turn them into URL paths under outDir.
  const toUrl = (file: string) => "/" + relative(outDir, join(root, file)).split("\\").join("/");
  const outputs = Object.keys(result.metafile.outputs).map(toUrl);
  const scripts = outputs.filter((f) => f.endsWith(".js"));
  const styles = outputs.filter((f) => f.endsWith(".css"));
  const tags = [
    ...styles.map((href) => `<link rel="stylesheet" href="${href}" />`),
    ...scripts.map((src) => `<script type="module" src="${src}"></script>`),
  ].join("\n    ");
  const template = readFileSync(join(root, "ui/index.html"), "utf8");
  if (!template.includes("<!--assets-->"))
    throw new Error(`${basename("ui/index.html")} lacks the <!--assets--> marker`);
  writeFileSync(join(outDir, "index.html"), template.replace("<!--assets-->", tags));
  return { files: [...outputs, "/index.html"] };
}
