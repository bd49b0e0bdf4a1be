// Child process: the real Vendo server (startServer, every default on) on a store seeded by the
// harness, with the sandbox as OpenRouter's upstream.
import { startServer } from "../../packages/server/src/app.ts";
import { childConfig, serveChild } from "./ipc.ts";

export interface VendoChildConfig {
  dataDir: string;
  secretKey: string;
  upstream: string;
  sqlitePath?: string;
  databaseUrl?: string;
  pgSchema?: string;
}

const config = childConfig<VendoChildConfig>();
// The SQLite scenario must not pick up a DATABASE_URL from the environment.
if (!config.databaseUrl) delete process.env.DATABASE_URL;

await serveChild(async () => {
  const server = await startServer({
    port: 0,
    host: "127.0.0.1",
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    upstreams: { openrouter: `${config.upstream}/api` },
    ...(config.sqlitePath ? { sqlitePath: config.sqlitePath } : {}),
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.pgSchema ? { pgSchema: config.pgSchema } : {}),
  });
  const db = server.store.db;
  return {
    url: server.url,
    close: () => server.close(),
    handlers: {
      /** Charges written to the ledger and holds still open: what the group commit has settled. */
      async ledger() {
        const charges = await db.selectFrom("ledger_entries").select((eb) => eb.fn.countAll<bigint>().as("n")).where("kind", "=", "charge").executeTakeFirstOrThrow();
        const open = await db.selectFrom("holds").select((eb) => eb.fn.countAll<bigint>().as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();
        return { charges: Number(charges.n), openHolds: Number(open.n) };
      },
    },
  };
});
