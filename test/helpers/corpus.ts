import { join } from "node:path";

/** The report corpus vendored in the repository (see its README.md): real reports with their expected counts. */
export const CORPUS = join(import.meta.dirname, "..", "fixtures", "corpus");
