// Done-when 6: bad input gets OpenRouter's error shape with the right status, is never
// forwarded (the sandbox's audit log stays empty) and never charged.
import assert from "node:assert/strict";
import net from "node:net";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { getBalance } from "../../src/ledger/accounts.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

type KeyKind = "good" | "none" | "unknown" | "disabled" | "expired" | "other-integration" | "management" | "limited" | "models";

interface Case {
  name: string;
  status: number;
  /** What the error message must say (the body is always OpenRouter's error shape). */
  message?: RegExp;
  path?: string;
  method?: string;
  key?: KeyKind;
  headers?: Record<string, string>;
  body?: string | Buffer;
  rawTarget?: string;
}

const MODEL = "openai/gpt-4o-mini";
/** Room for 100,000 nested arrays (200 KB), so the depth rule, not the size limit, refuses them. */
const MAX_BODY_BYTES = 262_144;
const chatBody = { model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 5 };
const chat = JSON.stringify(chatBody);
/** A valid chat body with `extra` fields added (or, with undefined, removed). */
const chatWith = (extra: Record<string, unknown>) => JSON.stringify({ ...chatBody, ...extra });
const nestedArrays = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
/** `copies` gzip members of 1 MiB of zeros each: ~1 KB apiece, `copies` MiB once decoded. */
const gzipBomb = (copies: number) => Buffer.concat(Array.from({ length: copies }, () => gzipSync(Buffer.alloc(1 << 20))));

const cases: Case[] = [
  { name: "malformed JSON", status: 400, body: "{not json" },
  { name: "non-JSON content type", status: 400, headers: { "content-type": "text/plain" } },
  { name: "JSON array body", status: 400, body: "[1,2]" },
  { name: "missing model", status: 400, message: /'model' is required/, body: chatWith({ model: undefined }) },
  { name: "empty model", status: 400, message: /'model' must be a model id/, body: chatWith({ model: "" }) },
  { name: "model with a space", status: 400, message: /'model' must be a model id/, body: chatWith({ model: "openai/gpt-4o mini" }) },
  { name: "model that is not a string", status: 400, message: /'model' must be a model id/, body: chatWith({ model: 42 }) },
  { name: "models that is not an array of ids", status: 400, message: /'models' must be an array of model ids/, body: chatWith({ models: [MODEL, 7] }) },
  { name: "unknown model", status: 400, message: /'nobody\/nothing' is not a valid model ID/, body: chatWith({ model: "nobody/nothing" }) },
  { name: "negative max_tokens", status: 400, message: /'max_tokens' must be a positive integer/, body: chatWith({ max_tokens: -1 }) },
  { name: "max_tokens 0 (OpenRouter's minimum is 1)", status: 400, message: /'max_tokens' must be a positive integer/, body: chatWith({ max_tokens: 0 }) },
  { name: "fractional max_completion_tokens", status: 400, message: /'max_completion_tokens' must be a positive integer/, body: chatWith({ max_completion_tokens: 2.5 }) },
  { name: "max_completion_tokens as a string", status: 400, message: /'max_completion_tokens' must be a positive integer/, body: chatWith({ max_completion_tokens: "5" }) },
  { name: "n: -1", status: 400, message: /'n' must be a positive integer/, body: chatWith({ n: -1 }) },
  { name: "n: 0", status: 400, message: /'n' must be a positive integer/, body: chatWith({ n: 0 }) },
  { name: "n as a string", status: 400, message: /'n' must be a positive integer/, body: chatWith({ n: "2" }) },
  { name: "n: 129 (OpenRouter allows 1-128)", status: 400, message: /'n' must be at most 128/, body: chatWith({ n: 129 }) },
  { name: "stream as a string", status: 400, message: /'stream' must be a boolean/, body: chatWith({ stream: "yes" }) },
  { name: "no messages", status: 400, message: /'messages' is required/, body: chatWith({ messages: undefined }) },
  { name: "empty messages", status: 400, message: /'messages' is required/, body: chatWith({ messages: [] }) },
  { name: "messages as a string", status: 400, message: /'messages' is required/, body: chatWith({ messages: "hi" }) },
  { name: "a message that is a number", status: 400, message: /'messages\[1\]' must be an object with a string 'role'/, body: chatWith({ messages: [{ role: "user", content: "hi" }, 42] }) },
  { name: "a message without a role", status: 400, message: /'messages\[0\]' must be an object with a string 'role'/, body: chatWith({ messages: [{ content: "hi" }] }) },
  { name: "completions without a prompt", status: 400, message: /'prompt' is required/, path: "/v1/completions", body: JSON.stringify({ model: MODEL }) },
  { name: "embeddings with an empty input list", status: 400, message: /'input' is required/, path: "/v1/embeddings", body: JSON.stringify({ model: "openai/text-embedding-3-small", input: [] }) },
  { name: "100,000 nested arrays in messages", status: 400, message: /nests arrays\/objects more than 128 deep/, body: `{"model":"${MODEL}","messages":${nestedArrays(100_000)}}` },
  { name: "129 nested objects in a message", status: 400, message: /more than 128 deep/, body: `{"model":"${MODEL}","messages":[{"role":"user","content":"hi","x":${'{"a":'.repeat(126)}1${"}".repeat(126)}}]}` },
  { name: "Content-Encoding: zstd (unsupported)", status: 415, message: /Content-Encoding 'zstd' is not supported/, headers: { "content-encoding": "zstd" }, body: chat },
  { name: "Content-Encoding: gzip on a plain JSON body", status: 400, message: /not valid gzip data/, headers: { "content-encoding": "gzip" }, body: chat },
  { name: "Content-Encoding: deflate on a plain JSON body", status: 400, message: /not valid deflate data/, headers: { "content-encoding": "deflate" }, body: chat },
  { name: "Content-Encoding: br on a plain JSON body", status: 400, message: /not valid br data/, headers: { "content-encoding": "br" }, body: chat },
  { name: "gzip that stops halfway", status: 400, message: /not valid gzip data/, headers: { "content-encoding": "gzip" }, body: gzipSync(chat).subarray(0, 20) },
  { name: "gzip bomb (50 KB that decode to 50 MiB)", status: 413, message: /exceeds 262144 bytes once decoded/, headers: { "content-encoding": "gzip" }, body: gzipBomb(50) },
  { name: "body over the limit", status: 413, body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x61) },
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
      world = await startWorld(kind, { server: { maxBodyBytes: MAX_BODY_BYTES } });
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
        if (c.message) assert.match(body.error.message, c.message);
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
