// A server on a real store (SQLite file or PostgreSQL schema) on loopback, and a tiny HTTP caller
// for the control API. Each suite runs once per store kind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe } from "node:test";
import { startServer, type VendoServer } from "../../../src/app.js";
import type { ServerOptions } from "../../../src/config.js";
import { createTestStoreConfig, storeKinds, type StoreKind } from "../../support/stores.js";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const SECRET_KEY = "b".repeat(64);

// Response bodies are whatever JSON the server sent; tests assert on their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Res {
  status: number;
  body: Json;
  headers: Headers;
}

export interface CallOptions {
  /** Bearer token; the admin token unless given; null sends none. */
  as?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Harness {
  kind: StoreKind;
  url: string;
  server: VendoServer;
  logs: string[];
  call(method: string, path: string, options?: CallOptions): Promise<Res>;
  /** A tenant and a management key for it. */
  tenant(name?: string): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

export async function startHarness(kind: StoreKind, options: ServerOptions = {}): Promise<Harness> {
  const target = await createTestStoreConfig(kind);
  const dataDir = mkdtempSync(join(tmpdir(), "vendo-control-"));
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const server = await startServer({ port: 0, ...target.config, dataDir, adminToken: ADMIN_TOKEN, secretKey: SECRET_KEY, logStream, ...options });
  const call: Harness["call"] = async (method, path, o = {}) => {
    const token = o.as === undefined ? ADMIN_TOKEN : o.as;
    const response = await fetch(server.url + path, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(o.body === undefined ? {} : { "content-type": "application/json" }),
        ...o.headers,
      },
      ...(o.body === undefined ? {} : { body: typeof o.body === "string" ? o.body : JSON.stringify(o.body) }),
    });
    const text = await response.text();
    let body: Json = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (e.g. /metrics): keep the text
    }
    return { status: response.status, body, headers: response.headers };
  };
  return {
    kind,
    url: server.url,
    server,
    logs,
    call,
    async tenant(name = "tenant") {
      const t = await call("POST", "/api/v1/tenants", { body: { name } });
      if (t.status !== 201) throw new Error(`tenant: ${t.status} ${JSON.stringify(t.body)}`);
      const k = await call("POST", `/api/v1/tenants/${t.body.id}/management-keys`, { body: {} });
      if (k.status !== 201) throw new Error(`management key: ${k.status} ${JSON.stringify(k.body)}`);
      return { id: t.body.id as string, key: k.body.key as string };
    },
    async close() {
      await server.close();
      await target.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `body` once per store kind against a fresh server; `h()` is that server. */
export function describeOnStores(title: string, body: (h: () => Harness) => void, options: ServerOptions = {}): void {
  for (const { kind, skip } of storeKinds) {
    describe(`${title} on ${kind}`, { skip }, () => {
      let harness: Harness | undefined;
      before(async () => {
        harness = await startHarness(kind, options);
      });
      after(async () => harness?.close());
      body(() => {
        if (!harness) throw new Error("harness not started");
        return harness;
      });
    });
  }
}

/** Credits a tenant through the API. */
export async function credit(h: Harness, tenantId: string, amount: string, idempotencyKey = `k-${Math.random()}`): Promise<Res> {
  return h.call("POST", `/api/v1/tenants/${tenantId}/credits`, { body: { amount }, headers: { "idempotency-key": idempotencyKey } });
}

/** A deployment connected to openrouter, created with `as`. */
export async function connectedDeployment(h: Harness, as: string, name = "app"): Promise<{ id: string; token: string; apiKey: string }> {
  const d = await h.call("POST", "/api/v1/deployments", { as, body: { name } });
  if (d.status !== 201) throw new Error(`deployment: ${d.status} ${JSON.stringify(d.body)}`);
  const c = await h.call("POST", `/api/v1/deployments/${d.body.id}/connections`, { as, body: { integration: "openrouter" } });
  if (c.status !== 201) throw new Error(`connection: ${c.status} ${JSON.stringify(c.body)}`);
  return { id: d.body.id, token: d.body.token, apiKey: c.body.api_key };
}

/** Asserts the OpenRouter-shaped error body with the HTTP status as its code. */
export function errorOf(res: Res): { code: number; message: string } {
  const error = res.body?.error;
  if (!error || error.code !== res.status || typeof error.message !== "string") {
    throw new Error(`expected an error body with code ${res.status}, got ${JSON.stringify(res.body)}`);
  }
  return error;
}
