// Done-when 6: bad input gets OpenRouter's error shape with the right status, is never
// forwarded (the sandbox's audit log stays empty) and never charged.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { getBalance } from "../../src/ledger/accounts.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

type KeyKind = "good" | "none" | "unknown" | "disabled" | "expired" | "other-integration" | "management" | "limited" | "models";

interface Case {
  name: string;
  status: number;
  path?: string;
  method?: string;
  key?: KeyKind;
  headers?: Record<string, string>;
  body?: string | Buffer;
  rawTarget?: string;
}

const chat = JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 });

const cases: Case[] = [
  { name: "malformed JSON", status: 400, body: "{not json" },
  { name: "non-JSON content type", status: 400, headers: { "content-type": "text/plain" } },
  { name: "JSON array body", status: 400, body: "[1,2]" },
  { name: "missing model", status: 400, body: JSON.stringify({ messages: [] }) },
  { name: "negative max_tokens", status: 400, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [], max_tokens: -1 }) },
  { name: "unknown model", status: 400, body: JSON.stringify({ model: "nobody/nothing", messages: [] }) },
  { name: "body over the limit", status: 413, body: Buffer.alloc(70_000, 0x61) },
  { name: "missing key", status: 401, key: "none" },
  { name: "unknown key", status: 401, key: "unknown" },
  { name: "revoked (disabled) key", status: 401, key: "disabled" },
  { name: "expired key", status: 401, key: "expired" },
  { name: "management key", status: 401, key: "management" },
  { name: "key of another integration", status: 403, key: "other-integration" },
  { name: "model not allowed for the key", status: 403, key: "models" },
  { name: "key limit reached", status: 402, key: "limited" },
  { name: "unknown path", status: 404, path: "/v1/fine_tuning/jobs" },
  { name: "GET on a POST path", status: 404, method: "GET", path: "/v1/chat/completions" },
  { name: "unknown integration", status: 404, rawTarget: "/proxy/nope/v1/chat/completions" },
];

// Sent byte for byte over a socket: fetch() would normalise these paths before they left.
const rawTargets: Array<{ name: string; target: string; host?: string }> = [
  { name: "dot-dot traversal", target: "/proxy/openrouter/v1/../v1/chat/completions" },
  { name: "dot-dot out of the integration", target: "/proxy/openrouter/../openrouter/v1/chat/completions" },
  { name: "encoded traversal", target: "/proxy/openrouter/v1/%2e%2e/v1/chat/completions" },
  { name: "encoded slash", target: "/proxy/openrouter/v1/chat%2Fcompletions" },
  { name: "double slash", target: "/proxy/openrouter//v1/chat/completions" },
  { name: "absolute-form target", target: "http://169.254.169.254/proxy/openrouter/v1/chat/completions", host: "evil.example" },
];

function rawRequest(serverUrl: string, target: string, key: string, host?: string): Promise<string> {
  const { port, host: ownHost } = new URL(serverUrl);
  return new Promise<string>((resolve) => {
    const socket = net.connect(Number(port), "127.0.0.1", () => {
      const head = [
        `POST ${target} HTTP/1.1`,
        `Host: ${host ?? ownHost}`,
        "Content-Type: application/json",
        `Authorization: Bearer ${key}`,
        `Content-Length: ${Buffer.byteLength(chat)}`,
        "Connection: close",
      ];
      socket.write(head.join("\r\n") + "\r\n\r\n" + chat);
    });
    let data = "";
    socket.on("data", (d) => (data += d.toString()));
    socket.on("close", () => resolve(data));
  });
}

for (const { kind, skip } of storeKinds) {
  describe(`bad input is refused, never forwarded, never charged (${kind})`, { skip }, () => {
    let world: World;
    let tenant: string;
    const keys: Partial<Record<KeyKind, string>> = {};
    before(async () => {
      world = await startWorld(kind, { server: { maxBodyBytes: 65_536 } });
      tenant = await world.createTenant("5");
      keys.good = (await world.createKey(tenant)).plaintext;
      keys.disabled = (await world.createKey(tenant, { disabled: true })).plaintext;
      keys.expired = (await world.createKey(tenant, { expiresAt: Date.now() - 1000 })).plaintext;
      keys["other-integration"] = (await world.createKey(tenant, { integration: "weatherly" })).plaintext;
      keys.models = (await world.createKey(tenant, { models: ["openai/gpt-4o"] })).plaintext;
      keys.limited = (await world.createKey(tenant, { limitUsd: "0.000000001" })).plaintext;
      keys.unknown = "vendo_sk_" + "x".repeat(40);
      keys.management = "vendo_mk_" + "y".repeat(40);
      world.sandbox.reset();
    });
    after(() => world?.close());

    async function assertNothingHappened() {
      await world.server.settled();
      assert.equal(world.sandbox.calls().length, 0, "nothing reached upstream");
      const balance = await getBalance(world.server.store.db, tenant);
      assert.deepEqual(balance, { balance: 5_000_000_000n, held: 0n, available: 5_000_000_000n }, "nothing charged or held");
    }

    for (const c of cases) {
      it(`${c.name} → ${c.status}`, async () => {
        const key = keys[c.key ?? "good"];
        const headers: Record<string, string> = { "content-type": "application/json", ...c.headers };
        if (c.key !== "none" && key) headers.authorization = `Bearer ${key}`;
        const url = c.rawTarget ? `${world.server.url}${c.rawTarget}` : `${world.server.url}/proxy/openrouter${c.path ?? "/v1/chat/completions"}`;
        const method = c.method ?? "POST";
        const res = await fetch(url, { method, headers, ...(method === "POST" ? { body: c.body ?? chat } : {}) });
        const text = await res.text();
        assert.equal(res.status, c.status, text);
        const body = JSON.parse(text) as { error: { code: number; message: string } };
        assert.equal(body.error.code, c.status);
        assert.ok(body.error.message.length > 0);
        await assertNothingHappened();
      });
    }

    for (const r of rawTargets) {
      it(`${r.name} is never forwarded (404)`, async () => {
        const reply = await rawRequest(world.server.url, r.target, keys.good as string, r.host);
        assert.match(reply, /^HTTP\/1\.1 404 /);
        await assertNothingHappened();
      });
    }
  });
}
