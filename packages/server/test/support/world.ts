// A whole Vendo on loopback for integration tests: a sandbox upstream, a server on the given
// store kind, and seeding helpers that write through the same modules the control API uses.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { startSandbox, type Sandbox, type SandboxKeyConfig } from "@vendo/sandbox";
import { startServer, type VendoServer } from "../../src/app.js";
import type { ServerOptions } from "../../src/config.js";
import { openAccount, topUp } from "../../src/ledger/accounts.js";
import { decimalToNanos } from "../../src/ledger/money.js";
import { insertApiKey } from "../../src/control/routes/keys/insertApiKey.js";
import { newId } from "../../src/security/apiKeys.js";
import type { LimitReset } from "../../src/store/schema.js";
import { createTestStoreConfig, type StoreKind } from "./stores.js";

export const TEST_SECRET_KEY = "a".repeat(64);
/** The operator's bearer (VENDO_ADMIN_TOKEN) of every world's control API. */
export const WORLD_ADMIN_TOKEN = "test-admin-token";

export interface World {
  sandbox: Sandbox;
  server: VendoServer;
  /** Base URL a client uses: the proxy URL ending in /v1. */
  proxyBaseUrl: string;
  /** An integration's proxy URL as its clients take it (its base path included). */
  proxyUrl(slug: string): string;
  poolKeys: string[];
  /** Every log line the server wrote. */
  logs: string[];
  createTenant(usd: string): Promise<string>;
  createKey(tenantId: string, options?: KeyOptions): Promise<{ id: string; plaintext: string }>;
  close(): Promise<void>;
}

export interface KeyOptions {
  integration?: string;
  limitUsd?: string | null;
  limitReset?: LimitReset;
  rpm?: number | null;
  models?: string[] | null;
  allowedOrigins?: string[] | null;
  expiresAt?: number | null;
  disabled?: boolean;
  fitToBalance?: boolean;
}

export interface WorldOptions {
  poolKeys?: Array<string | SandboxKeyConfig>;
  server?: ServerOptions;
  markupBps?: bigint;
  /** Integrations whose pool gets `poolKeys` and whose markup is `markupBps` (default openrouter). */
  integrations?: string[];
  /** Upstream base URLs besides the sandbox's (e.g. a test's own upstream for a catalog entry it adds). */
  upstreams?: Record<string, string>;
}

export async function startWorld(kind: StoreKind, options: WorldOptions = {}): Promise<World> {
  const integrations = options.integrations ?? ["openrouter"];
  const poolKeyConfigs = options.poolKeys ?? ["sk-or-pool-one-" + newId("k"), "sk-or-pool-two-" + newId("k")];
  const poolKeys = poolKeyConfigs.map((k) => (typeof k === "string" ? k : k.key));
  const sandbox = await startSandbox({ keys: poolKeyConfigs });
  const target = await createTestStoreConfig(kind);
  const dataDir = mkdtempSync(join(tmpdir(), "vendo-world-"));
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  let server: VendoServer;
  try {
    server = await startServer({
      port: 0,
      ...target.config,
      dataDir,
      adminToken: WORLD_ADMIN_TOKEN,
      secretKey: TEST_SECRET_KEY,
      upstreams: { ...sandbox.upstreamUrls, ...options.upstreams },
      logStream,
      ...options.server,
    });
  } catch (error) {
    await sandbox.close();
    await target.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { db } = server.store;
  const now = BigInt(Date.now());
  for (const integration of integrations) {
    for (const secret of poolKeys) {
      await db
        .insertInto("pool_credentials")
        .values({ id: newId("pc"), integration, label: "test", secret_enc: server.ctx.secrets.seal(secret), last4: secret.slice(-4), created_at: now, disabled_at: null })
        .execute();
    }
    if (options.markupBps) {
      await db.insertInto("integration_settings").values({ integration, markup_bps: options.markupBps, updated_at: now }).execute();
    }
  }
  // The proxy picks the pool and markup up from the change feed.
  await server.catchUp();

  return {
    sandbox,
    server,
    proxyBaseUrl: `${server.url}/proxy/openrouter/v1`,
    proxyUrl: (slug) => `${server.url}/proxy/${slug}${server.ctx.catalog.get(slug)?.proxy.basePath ?? ""}`,
    poolKeys,
    logs,
    async createTenant(usd) {
      const id = newId("ten");
      await db.insertInto("tenants").values({ id, name: id, status: "active", created_at: BigInt(Date.now()) }).execute();
      await openAccount(db, id);
      const amount = decimalToNanos(usd) as bigint;
      if (amount > 0n) await topUp(db, { tenantId: id, amount, idempotencyKey: `seed-${id}` });
      return id;
    },
    async createKey(tenantId, o = {}) {
      const { row, plaintext } = await insertApiKey(db, {
        tenantId,
        integration: o.integration ?? "openrouter",
        deploymentId: null,
        name: "test key",
        limitAmount: o.limitUsd ? decimalToNanos(o.limitUsd) : null,
        limitReset: o.limitReset ?? "none",
        rpm: o.rpm ?? null,
        models: o.models ?? null,
        expiresAt: o.expiresAt ?? null,
        fitToBalance: o.fitToBalance ?? false,
        allowedOrigins: o.allowedOrigins ?? null,
      });
      if (o.disabled) await db.updateTable("api_keys").set({ disabled_at: row.created_at }).where("id", "=", row.id).execute();
      return { id: row.id, plaintext };
    },
    async close() {
      await server.close();
      await sandbox.close();
      await target.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
