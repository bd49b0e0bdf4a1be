// Child process: the real Vendo server (startServer, every default on) on a store seeded by the
// harness, with the sandbox as OpenRouter's upstream.
import { startServer } from "../../packages/server/src/app.ts";
import { unexplainedAccount } from "../../packages/server/src/ledger/accountIds.ts";
import { auditLedger } from "../../packages/server/src/ledger/audit.ts";
import { bookedFor } from "../../packages/server/src/ledger/reconciliation.ts";
import { childConfig, serveChild } from "./ipc.ts";

export interface VendoChildConfig {
  dataDir: string;
  secretKey: string;
  upstream: string;
  sqlitePath?: string;
  databaseUrl?: string;
  pgSchema?: string;
}

/** What the `audit` rpc answers (nano-USD as decimal strings: IPC is JSON). */
export interface StoreAudit {
  /** auditLedger's verdict over the whole store (docs/money.md, invariants 1 and 2). */
  ok: boolean;
  conservation: string;
  tenantsOff: number;
  accountsOff: number;
  keysOff: number;
  holdsOff: number;
  pendingHolds: number;
  /** Per pool credential: what the books owe the upstream (payable credits), its baseline, and
   *  the part of it booked as unexplained spend. */
  credentials: Array<{ id: string; booked: string; baseline: string | null; unexplained: string }>;
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
  const pendingHolds = async () => {
    const open = await db.selectFrom("holds").select((eb) => eb.fn.countAll<bigint>().as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();
    return Number(open.n);
  };
  return {
    url: server.url,
    close: () => server.close(),
    handlers: {
      /** Charges written to the ledger, holds ever placed and holds still open: what the group commit has admitted and settled. */
      async ledger() {
        const charges = await db.selectFrom("ledger_entries").select((eb) => eb.fn.countAll<bigint>().as("n")).where("kind", "=", "charge").executeTakeFirstOrThrow();
        const holds = await db.selectFrom("holds").select((eb) => eb.fn.countAll<bigint>().as("n")).executeTakeFirstOrThrow();
        return { charges: Number(charges.n), holds: Number(holds.n), openHolds: await pendingHolds() };
      },
      /** Resolves when every settlement submitted so far is committed. */
      settled: () => server.settled(),
      /** Every money invariant the store can prove by itself, after the settlements so far. */
      async audit(): Promise<StoreAudit> {
        await server.settled();
        const audit = await auditLedger(server.store);
        const credentials = await db.selectFrom("pool_credentials").select(["id", "baseline_usage"]).orderBy("id").execute();
        const accounts =
          credentials.length === 0 ? [] : await db.selectFrom("accounts").select(["id", "debits"]).where("id", "in", credentials.map((c) => unexplainedAccount(c.id))).execute();
        const debits = new Map(accounts.map((a) => [a.id, a.debits]));
        return {
          ok: audit.ok,
          conservation: String(audit.conservation),
          tenantsOff: audit.tenants.filter((t) => !t.ok).length,
          accountsOff: audit.accounts.filter((a) => !a.ok).length,
          keysOff: audit.keys.length,
          holdsOff: audit.holds.length,
          pendingHolds: await pendingHolds(),
          credentials: await Promise.all(
            credentials.map(async (c) => ({
              id: c.id,
              booked: String(await bookedFor(server.store, c.id)),
              baseline: c.baseline_usage === null ? null : String(c.baseline_usage),
              unexplained: String(debits.get(unexplainedAccount(c.id)) ?? 0n),
            })),
          ),
        };
      },
    },
  };
});
