// Example FlakeGuard configuration. Every key is optional; environment variables (FLAKEGUARD_*) and
// flags override what is set here. `flakeguard config` prints the effective values and their sources.
import { defineConfig } from "flakeguard";

export default defineConfig({
  // port: 8080,
  // host: "127.0.0.1",
  // dataDir: "./flakeguard-data",
  // databaseUrl: "postgres://flakeguard@db.internal:5432/flakeguard",
  // maxUploadBytes: "100MiB",
  // inlineMaxBytes: "8MiB",
  // logLevel: "info",
});
