// Issue 4, done-when 7: no upstream credential appears in any response, error or log line.
// A wide mix of traffic goes through the proxy and the control API (successes, pool failover,
// every pool credential failing, upstream errors passed back, in-stream errors, client aborts,
// bad input, a bring-your-own-key connection, pool and env listings). Every status line, header
// and body byte the clients received is kept, so is every log line (trace level), and none may
// hold a pool key, the BYO credential, VENDO_SECRET_KEY or the admin token: not whole, not any
// 12-character piece, not base64- or hex-encoded.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

interface Exchange {
  label: string;
  status: number;
  statusLine: string;
  /** Raw header names and values, as received. */
  headers: string[];
  body: Buffer;
  /** The client cut it (abort) or the server cut it (broken stream). */
  cut: boolean;
}

interface SendOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Destroy the request once this many body bytes arrived. */
  abortAfterBytes?: number;
  /** Destroy the request this long after sending it (possibly before any header). */
  abortAfterMs?: number;
}

/** One HTTP exchange through node:http, so the status message and raw headers are seen as sent. */
function send(label: string, method: string, url: string, o: SendOptions = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let response: http.IncomingMessage | undefined;
    const finish = (cut: boolean) => {
      if (settled) return;
      settled = true;
      resolve({
        label,
        status: response?.statusCode ?? 0,
        statusLine: response ? `HTTP/${response.httpVersion} ${response.statusCode} ${response.statusMessage}` : "",
        headers: response?.rawHeaders ?? [],
        body: Buffer.concat(chunks),
        cut,
      });
    };
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined) headers["content-length"] = String(Buffer.byteLength(o.body));
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      response = res;
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (o.abortAfterBytes !== undefined && size >= o.abortAfterBytes) {
          req.destroy();
          finish(true);
        }
      });
      res.once("end", () => finish(false));
      res.once("aborted", () => finish(true));
      res.once("error", () => finish(true));
      res.once("close", () => finish(!res.complete));
    });
    req.on("error", (err) => {
      if (settled) return;
      if (o.abortAfterMs !== undefined || o.abortAfterBytes !== undefined || response) finish(true);
      else reject(err);
    });
    if (o.abortAfterMs !== undefined) {
      setTimeout(() => {
        req.destroy();
        finish(true);
      }, o.abortAfterMs);
    }
    req.end(o.body);
  });
}

/** Every way a secret could show: whole, any `min`-char window, base64/base64url/hex encoded. */
interface Needle {
  name: string;
  windows: Map<number, Set<string>>;
}

function windowsOf(text: string, length: number, into: Set<string>): void {
  for (let i = 0; i + length <= text.length; i++) into.add(text.slice(i, i + length));
}

function needleFor(name: string, secret: string, extraForms: Buffer[] = []): Needle {
  const windows = new Map<number, Set<string>>();
  const plain = new Set<string>();
  windowsOf(secret, 12, plain);
  windows.set(12, plain);
  // base64 of the secret read from any byte offset: drop the last 4 characters (they depend on
  // what follows), keep every 16-character window of the rest.
  const encoded = new Set<string>();
  for (const bytes of [Buffer.from(secret, "utf8"), ...extraForms]) {
    for (let offset = 0; offset < 3; offset++) {
      const part = bytes.subarray(offset);
      for (const b64 of [part.toString("base64"), part.toString("base64url")]) windowsOf(b64.slice(0, -4), 16, encoded);
    }
    windowsOf(bytes.toString("hex"), 24, encoded);
    windowsOf(bytes.toString("hex").toUpperCase(), 24, encoded);
  }
  windows.set(16, new Set([...encoded].filter((w) => w.length === 16)));
  windows.set(24, new Set([...encoded].filter((w) => w.length === 24)));
  return { name, windows };
}

/** Names of the needles found in `text`, also inside any base64 run of it (decoded). */
function leaksIn(text: string, needles: readonly Needle[]): string[] {
  const found = new Set<string>();
  const scan = (hay: string, where: string) => {
    for (const needle of needles) {
      for (const [length, set] of needle.windows) {
        if (set.size === 0) continue;
        for (let i = 0; i + length <= hay.length; i++) {
          if (set.has(hay.slice(i, i + length))) {
            found.add(`${needle.name} (${where}, ${length}-char piece at ${i}: ${JSON.stringify(hay.slice(Math.max(0, i - 20), i + length + 20))})`);
            break;
          }
        }
      }
    }
  };
  scan(text, "as is");
  for (const run of text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
    scan(Buffer.from(run.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1"), "base64-decoded");
  }
  return [...found];
}

const randomSecret = (prefix: string) => `${prefix}${randomBytes(24).toString("hex")}`;

for (const { kind, skip } of storeKinds) {
  describe(`no credential leaks in responses or logs (${kind})`, { skip }, () => {
    const poolKeys = [randomSecret("sk-or-v1-"), randomSecret("sk-or-v1-")];
    const apiPoolKey = randomSecret("sk-or-v1-"); // added through the control API
    const byoKey = randomSecret("sk-or-v1-"); // a tenant's own OpenRouter key
    const adminToken = randomSecret("adm_");
    const secretKeyBytes = randomBytes(32);
    const secretKeyHex = secretKeyBytes.toString("hex");

    let world: World;
    const exchanges: Exchange[] = [];
    const stderrLines: string[] = [];
    const originalStderrWrite = process.stderr.write.bind(process.stderr);
    let proxyKey = "";
    let tenantId = "";
    let generationId = "";
    let revealedEnv = "";

    const proxy = (path: string) => `${world.proxyBaseUrl}${path}`;
    const control = (path: string) => `${world.server.url}${path}`;
    const keep = (e: Exchange) => (exchanges.push(e), e);
    const call = async (label: string, method: string, url: string, o: SendOptions = {}) => keep(await send(label, method, url, o));
    const post = (label: string, path: string, body: unknown, key = proxyKey, extra: SendOptions = {}) =>
      call(label, "POST", proxy(path), {
        ...extra,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...extra.headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    const admin = (label: string, method: string, path: string, body?: unknown, as = adminToken, headers: Record<string, string> = {}) =>
      call(label, method, control(path), {
        headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const json = (e: Exchange) => JSON.parse(e.body.toString("utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const chatBody = (extra: Record<string, unknown> = {}) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "say something" }], max_tokens: 12, ...extra });
    const faultAll = (fault: string | null) => {
      for (const k of [...poolKeys, apiPoolKey]) world.sandbox.setKeyFault(k, fault);
    };

    before(async () => {
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        stderrLines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return (originalStderrWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof process.stderr.write;
      world = await startWorld(kind, {
        poolKeys,
        integrations: ["openrouter", "openai", "anthropic", "tavily"],
        server: { logLevel: "trace", adminToken, secretKey: secretKeyHex, maxBodyBytes: 64 * 1024 },
      });
      world.sandbox.addKey(apiPoolKey);
      world.sandbox.addKey(byoKey);
      tenantId = await world.createTenant("10");
      proxyKey = (await world.createKey(tenantId)).plaintext;
    });
    after(async () => {
      process.stderr.write = originalStderrWrite;
      await world?.close();
    });

    it("successful calls: chat, completions, embeddings (streamed or not) and the account endpoints", async () => {
      const chat = await post("chat", "/chat/completions", chatBody());
      assert.equal(chat.status, 200, chat.body.toString());
      generationId = String(json(chat).id);
      const stream = await post("chat stream", "/chat/completions", chatBody({ stream: true }));
      assert.equal(stream.status, 200);
      assert.match(stream.body.toString(), /data: \[DONE\]/);
      assert.equal((await post("fallback models", "/chat/completions", { ...chatBody(), models: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4"] })).status, 200);
      assert.equal((await post("completions", "/completions", { model: "openai/gpt-4o-mini", prompt: "hello", max_tokens: 8 })).status, 200);
      assert.equal((await post("completions stream", "/completions", { model: "openai/gpt-4o-mini", prompt: "hello", max_tokens: 8, stream: true })).status, 200);
      assert.equal((await post("embeddings float", "/embeddings", { model: "openai/text-embedding-3-small", input: ["one", "two"], dimensions: 64 })).status, 200);
      assert.equal((await post("embeddings base64", "/embeddings", { model: "openai/text-embedding-3-small", input: "three", encoding_format: "base64" })).status, 200);

      assert.equal((await call("models", "GET", proxy("/models"))).status, 200);
      const auth = { authorization: `Bearer ${proxyKey}` };
      assert.equal((await call("key", "GET", proxy("/key"), { headers: auth })).status, 200);
      assert.equal((await call("credits", "GET", proxy("/credits"), { headers: auth })).status, 200);
      await world.server.settled();
      assert.equal((await call("generation", "GET", proxy(`/generation?id=${generationId}`), { headers: auth })).status, 200);
      assert.equal((await call("generation unknown", "GET", proxy("/generation?id=gen-nope"), { headers: auth })).status, 404);
      assert.equal((await call("generation no id", "GET", proxy("/generation"), { headers: auth })).status, 400);

      // The official client, its every response kept as received.
      const openai = new OpenAI({
        apiKey: proxyKey,
        baseURL: world.proxyBaseUrl,
        maxRetries: 0,
        fetch: async (url: string | URL | Request, init?: RequestInit) => {
          const response = await fetch(url, init);
          const bytes = Buffer.from(await response.arrayBuffer());
          const headers: string[] = [];
          response.headers.forEach((v, k) => headers.push(k, v));
          keep({ label: "openai sdk", status: response.status, statusLine: `${response.status} ${response.statusText}`, headers, body: bytes, cut: false });
          return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
        },
      });
      await openai.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "sdk" }], max_tokens: 5 });
      const sdkStream = await openai.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "sdk" }], max_tokens: 5, stream: true });
      for await (const chunk of sdkStream) void chunk;
      await openai.embeddings.create({ model: "openai/text-embedding-3-small", input: "sdk" });
      await openai.models.list();
      await assert.rejects(openai.chat.completions.create({ model: "no/such-model", messages: [{ role: "user", content: "x" }] }));
    });

    it("pool failover: the first credential fails (status or connection reset), the next serves", async () => {
      for (const fault of ["503", "429", "401", "402", "500", "reset"]) {
        faultAll(null);
        world.sandbox.setKeyFault(poolKeys[0] as string, fault);
        // A reset stream has already begun when it breaks, so only non-streamed calls can move on.
        for (const stream of fault === "reset" ? [false] : [false, true]) {
          const res = await post(`failover ${fault} stream=${stream}`, "/chat/completions", chatBody({ stream }));
          assert.equal(res.status, 200, `${fault}: ${res.body.toString()}`);
        }
      }
      faultAll(null);
    });

    it("every pool credential failing: 502/503 in OpenRouter's shape, 429 when they are all rate limited", async () => {
      for (const fault of ["503", "429", "401", "402", "500", "502", "reset"]) {
        faultAll(fault);
        const res = await post(`all failing ${fault}`, "/chat/completions", chatBody());
        // invariant 4: an upstream 429 no credential can absorb reaches the client as 429.
        if (fault === "429") assert.equal(res.status, 429, `${fault}: got ${res.status}`);
        else assert.ok(res.status === 502 || res.status === 503, `${fault}: got ${res.status}`);
        assert.equal(json(res).error.code, res.status);
      }
      faultAll(null);
    });

    it("upstream 4xx passed back, in-stream errors and broken streams", async () => {
      for (const fault of ["400", "403", "404", "413", "422"]) {
        faultAll(fault);
        const res = await post(`upstream ${fault}`, "/chat/completions", chatBody());
        assert.equal(res.status, Number(fault));
      }
      faultAll(null);
      assert.equal((await post("upstream 400 (unknown role)", "/chat/completions", { model: "openai/gpt-4o-mini", messages: [{ role: "wizard", content: "hi" }] })).status, 400);
      assert.equal((await post("upstream 400 (wrong endpoint)", "/embeddings", { model: "openai/gpt-4o-mini", input: "x" })).status, 400);

      faultAll("stream-error=3");
      const streamError = await post("in-stream error", "/chat/completions", chatBody({ stream: true }));
      assert.equal(streamError.status, 200);
      assert.match(streamError.body.toString(), /"error":\{"code":502/);
      const bodyError = await post("error in body", "/chat/completions", chatBody());
      assert.equal(bodyError.status, 200);
      assert.match(bodyError.body.toString(), /"error":\{"code":502/);
      faultAll("reset=3");
      const broken = await post("upstream reset mid-stream", "/chat/completions", chatBody({ stream: true }));
      assert.equal(broken.status, 200);
      assert.ok(broken.cut, "the client saw the stream break");
      faultAll(null);
    });

    it("client aborts, mid-stream and before the first byte", async () => {
      faultAll("chunk-delay=3, tokens=40");
      const midStream = await post("abort mid-stream", "/chat/completions", chatBody({ stream: true, max_tokens: 100 }), proxyKey, { abortAfterBytes: 400 });
      assert.ok(midStream.cut);
      faultAll("latency=300");
      const early = await post("abort before headers", "/chat/completions", chatBody(), proxyKey, { abortAfterMs: 50 });
      assert.ok(early.cut);
      faultAll(null);
      await world.server.settled();
    });

    it("bad input: JSON, content type, fields, size, keys, paths", async () => {
      const cases: Array<[string, string | Buffer, Record<string, string>, number]> = [
        ["bad json", "{not json", {}, 400],
        ["json array", "[1,2]", {}, 400],
        ["no model", JSON.stringify({ messages: [] }), {}, 400],
        ["unknown model", JSON.stringify({ model: "no/such-model", messages: [] }), {}, 400],
        ["stream not boolean", JSON.stringify({ ...chatBody(), stream: "yes" }), {}, 400],
        ["negative max_tokens", JSON.stringify({ ...chatBody(), max_tokens: -1 }), {}, 400],
        ["wrong content type", JSON.stringify(chatBody()), { "content-type": "text/plain" }, 400],
        ["too large", JSON.stringify({ ...chatBody(), pad: "x".repeat(100 * 1024) }), {}, 413],
      ];
      for (const [label, body, headers, status] of cases) {
        assert.equal((await post(label, "/chat/completions", body, proxyKey, { headers })).status, status, label);
      }
      const tenantOf = async (usd: string, options = {}) => (await world.createKey(await world.createTenant(usd), options)).plaintext;
      assert.equal((await post("no credits", "/chat/completions", chatBody(), await tenantOf("0"))).status, 402);
      assert.equal((await post("model not allowed", "/chat/completions", chatBody(), await tenantOf("1", { models: ["openai/gpt-4o"] }))).status, 403);
      assert.equal((await post("disabled key", "/chat/completions", chatBody(), await tenantOf("1", { disabled: true }))).status, 401);
      const limited = await tenantOf("1", { rpm: 1 });
      await post("rpm 1, first", "/chat/completions", chatBody(), limited);
      assert.equal((await post("rpm 1, second", "/chat/completions", chatBody(), limited)).status, 429);

      assert.equal((await post("unknown key", "/chat/completions", chatBody(), `vendo_sk_${randomBytes(16).toString("hex")}`)).status, 401);
      // A client presenting a pool key (or the admin token) to the proxy is refused without an echo.
      assert.equal((await post("pool key as bearer", "/chat/completions", chatBody(), poolKeys[0])).status, 401);
      assert.equal((await post("admin token as bearer", "/chat/completions", chatBody(), adminToken)).status, 401);
      assert.equal((await call("missing key", "POST", proxy("/chat/completions"), { headers: { "content-type": "application/json" }, body: JSON.stringify(chatBody()) })).status, 401);
      assert.equal((await call("basic auth", "GET", proxy("/key"), { headers: { authorization: `Basic ${Buffer.from(`x:${poolKeys[1]}`).toString("base64")}` } })).status, 401);
      assert.equal((await call("unknown proxy path", "GET", proxy("/nope"), { headers: { authorization: `Bearer ${proxyKey}` } })).status, 404);
      assert.equal((await call("GET on a POST path", "GET", proxy("/chat/completions"), { headers: { authorization: `Bearer ${proxyKey}` } })).status, 404);
      assert.equal((await call("unknown integration", "POST", control("/proxy/nope/v1/chat/completions"), { body: "{}" })).status, 404);
      assert.equal((await call("unknown control path", "GET", control("/nope"), { headers: { authorization: `Bearer ${adminToken}` } })).status, 404);
      assert.equal((await admin("control with pool key", "GET", "/api/v1/pool-credentials", undefined, poolKeys[0])).status, 401);
      assert.equal((await admin("control bad json", "POST", "/api/v1/tenants", undefined, adminToken, { "content-type": "application/json" })).status, 400);
      assert.equal((await call("control bad json body", "POST", control("/api/v1/tenants"), { headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, body: "{oops" })).status, 400);
    });

    it("bring-your-own-key connection: the tenant's credential serves its calls and never comes back", async () => {
      const tenant = await admin("create tenant", "POST", "/api/v1/tenants", { name: "byo" });
      assert.equal(tenant.status, 201);
      const id = String(json(tenant).id);
      assert.equal((await admin("credit", "POST", `/api/v1/tenants/${id}/credits`, { amount: "5" }, adminToken, { "idempotency-key": "byo-1" })).status, 201);
      const mk = await admin("management key", "POST", `/api/v1/tenants/${id}/management-keys`, {});
      const mkey = String(json(mk).key);
      const deployment = await admin("deployment", "POST", "/api/v1/deployments", { name: "byo-app" }, mkey);
      assert.equal(deployment.status, 201);
      const deploymentId = String(json(deployment).id);
      const deploymentToken = String(json(deployment).token);
      const badProfile = await admin("byo stray credential", "POST", `/api/v1/deployments/${deploymentId}/connections`, { integration: "openrouter", credential: byoKey }, mkey);
      assert.equal(badProfile.status, 400);
      const connection = await admin("byo connection", "POST", `/api/v1/deployments/${deploymentId}/connections`, { integration: "openrouter", profile: "bring_your_own_key", credential: byoKey }, mkey);
      assert.equal(connection.status, 201, connection.body.toString());
      const byoProxyKey = String(json(connection).api_key);
      assert.match(byoProxyKey, /^vendo_sk_/);

      world.sandbox.reset();
      assert.equal((await post("byo chat", "/chat/completions", chatBody(), byoProxyKey)).status, 200);
      assert.equal((await post("byo stream", "/chat/completions", chatBody({ stream: true }), byoProxyKey)).status, 200);
      assert.ok(world.sandbox.calls({ served: true }).every((c) => c.key === byoKey), "the tenant's own key was used upstream");
      for (const fault of ["401", "402", "429", "503"]) {
        world.sandbox.setKeyFault(byoKey, fault);
        assert.equal((await post(`byo upstream ${fault}`, "/chat/completions", chatBody(), byoProxyKey)).status, Number(fault));
      }
      world.sandbox.setKeyFault(byoKey, "stream-error=2");
      assert.equal((await post("byo in-stream error", "/chat/completions", chatBody({ stream: true }), byoProxyKey)).status, 200);
      world.sandbox.setKeyFault(byoKey, null);

      for (const [label, path, as] of [
        ["deployment", `/api/v1/deployments/${deploymentId}`, mkey],
        ["deployments", "/api/v1/deployments", mkey],
        ["connections", `/api/v1/deployments/${deploymentId}/connections`, mkey],
        ["env masked", `/api/v1/deployments/${deploymentId}/env`, mkey],
        ["env revealed", `/api/v1/deployments/${deploymentId}/env?reveal=true`, mkey],
        ["env revealed (deployment token)", `/api/v1/deployments/${deploymentId}/env?reveal=true`, deploymentToken],
        ["deployment token", `/api/v1/deployments/${deploymentId}/token`, mkey],
        ["keys", "/api/v1/keys", mkey],
        ["whoami", "/api/v1/whoami", mkey],
      ] as const) {
        const res = await admin(label, "GET", path, undefined, as);
        assert.equal(res.status, 200, `${label}: ${res.body.toString()}`);
        if (label.startsWith("env revealed")) revealedEnv += res.body.toString();
      }
      assert.ok(revealedEnv.includes(byoProxyKey), "revealed env shows the deployment's vendo_sk_ key (allowed)");
      world.sandbox.reset();
    });

    it("control API: pool credentials added, listed masked, disabled; env listed; the operator's views", async () => {
      const added = await admin("add pool credential", "POST", "/api/v1/pool-credentials", { integration: "openrouter", label: "third", secret: apiPoolKey });
      assert.equal(added.status, 201);
      assert.equal(json(added).masked, `…${apiPoolKey.slice(-4)}`);
      const addedId = String(json(added).id);
      assert.equal((await admin("add pool credential, unknown integration", "POST", "/api/v1/pool-credentials", { integration: "nope", secret: apiPoolKey })).status, 400);
      assert.equal((await admin("add pool credential, unknown field", "POST", "/api/v1/pool-credentials", { integration: "openrouter", secret: apiPoolKey, extra: apiPoolKey })).status, 400);
      assert.equal((await admin("add pool credential, secret not a string", "POST", "/api/v1/pool-credentials", { integration: "openrouter", secret: [apiPoolKey] })).status, 400);
      const mk = await admin("management key", "POST", `/api/v1/tenants/${tenantId}/management-keys`, {});
      assert.equal((await admin("add pool credential as tenant", "POST", "/api/v1/pool-credentials", { integration: "openrouter", secret: apiPoolKey }, String(json(mk).key))).status, 403);
      assert.equal((await admin("list pools as tenant", "GET", "/api/v1/pool-credentials", undefined, String(json(mk).key))).status, 403);

      // The added credential serves calls once the proxy has synced (500 ms).
      await new Promise((r) => setTimeout(r, 700));
      world.sandbox.reset();
      for (let i = 0; i < 4; i++) assert.equal((await post(`three-key pool ${i}`, "/chat/completions", chatBody())).status, 200);
      assert.ok(world.sandbox.calls({ served: true }).some((c) => c.key === apiPoolKey), "the API-added credential served");

      const listed = await admin("list pools", "GET", "/api/v1/pool-credentials");
      assert.equal(listed.status, 200);
      assert.equal((json(listed).data as unknown[]).length, 3 + 3 * poolKeys.length, "OpenRouter's three, and two for each other integration");
      const byIntegration = await admin("list pools by integration", "GET", "/api/v1/pool-credentials?integration=openrouter");
      assert.equal(byIntegration.status, 200);
      assert.equal((json(byIntegration).data as unknown[]).length, 3);
      assert.equal((await admin("disable pool credential", "POST", `/api/v1/pool-credentials/${addedId}/disable`)).status, 200);

      const deployment = await admin("deployment (pool)", "POST", "/api/v1/deployments", { tenant_id: tenantId, name: "pool-app" });
      const deploymentId = String(json(deployment).id);
      assert.equal((await admin("pool connection", "POST", `/api/v1/deployments/${deploymentId}/connections`, { integration: "openrouter" })).status, 201);
      assert.equal((await admin("env masked (pool)", "GET", `/api/v1/deployments/${deploymentId}/env`)).status, 200);
      const revealed = await admin("env revealed (pool)", "GET", `/api/v1/deployments/${deploymentId}/env?reveal=true`);
      assert.equal(revealed.status, 200);
      assert.match(revealed.body.toString(), /vendo_sk_/);

      for (const [label, method, path, body] of [
        ["tenants", "GET", "/api/v1/tenants", undefined],
        ["tenant", "GET", `/api/v1/tenants/${tenantId}`, undefined],
        ["balance", "GET", `/api/v1/tenants/${tenantId}/balance`, undefined],
        ["ledger", "GET", `/api/v1/tenants/${tenantId}/ledger`, undefined],
        ["usage", "GET", `/api/v1/tenants/${tenantId}/usage`, undefined],
        ["usage by key", "GET", `/api/v1/tenants/${tenantId}/usage?group_by=key`, undefined],
        ["keys", "GET", `/api/v1/keys?tenant_id=${tenantId}`, undefined],
        ["integrations", "GET", "/api/v1/integrations", undefined],
        ["markup", "PUT", "/api/v1/integrations/openrouter/markup", { markup_bps: 250 }],
        ["deployments", "GET", "/api/v1/deployments", undefined],
        ["whoami", "GET", "/api/v1/whoami", undefined],
        ["openapi", "GET", "/api/v1/openapi.json", undefined],
        ["metrics", "GET", "/metrics", undefined],
        ["healthz", "GET", "/healthz", undefined],
        ["readyz", "GET", "/readyz", undefined],
      ] as const) {
        const res = await admin(label, method, path, body);
        assert.equal(res.status, 200, `${label}: ${res.body.toString()}`);
      }
      await new Promise((r) => setTimeout(r, 700));
      assert.equal((await call("models with markup", "GET", proxy("/models"))).status, 200);
      assert.equal((await post("chat with markup", "/chat/completions", chatBody())).status, 200);
    });

    it("the other integrations (OpenAI, Anthropic, Tavily): calls, streams, tool calls, failover, upstream errors, unknown outcomes, bad input", async () => {
      const keyFor = async (slug: string) => (await world.createKey(tenantId, { integration: slug })).plaintext;
      const openaiKey = await keyFor("openai");
      const anthropicKey = await keyFor("anthropic");
      const tavilyKey = await keyFor("tavily");
      const at = (slug: string, path: string) => `${world.server.url}/proxy/${slug}${path}`;
      const postTo = (label: string, url: string, headers: Record<string, string>, body: unknown) =>
        call(label, "POST", url, { headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
      const openai = (label: string, body: unknown, key = openaiKey) => postTo(`openai ${label}`, at("openai", "/v1/chat/completions"), { authorization: `Bearer ${key}` }, body);
      const anthropic = (label: string, body: unknown, key = anthropicKey) =>
        postTo(`anthropic ${label}`, at("anthropic", "/v1/messages"), { "x-api-key": key, "anthropic-version": "2023-06-01" }, body);
      const tavily = (label: string, body: unknown, key = tavilyKey) => postTo(`tavily ${label}`, at("tavily", "/search"), { authorization: `Bearer ${key}` }, body);
      const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "say something" }], max_tokens: 12 };
      const message = { model: "claude-haiku-4-5", max_tokens: 12, messages: [{ role: "user", content: "say something" }] };
      const tool = { type: "function", function: { name: "f", parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } } };

      assert.equal((await openai("chat", chat)).status, 200);
      assert.equal((await openai("stream", { ...chat, stream: true })).status, 200);
      assert.equal((await openai("tool call", { ...chat, tools: [tool], tool_choice: "required" })).status, 200);
      assert.equal((await postTo("openai responses", at("openai", "/v1/responses"), { authorization: `Bearer ${openaiKey}` }, { model: "gpt-4o-mini", input: "hi", stream: true })).status, 200);
      assert.equal((await postTo("openai embeddings", at("openai", "/v1/embeddings"), { authorization: `Bearer ${openaiKey}` }, { model: "text-embedding-3-small", input: "hi" })).status, 200);
      assert.equal((await call("openai models", "GET", at("openai", "/v1/models"), { headers: { authorization: `Bearer ${openaiKey}` } })).status, 200);
      assert.equal((await anthropic("message", message)).status, 200);
      assert.equal((await anthropic("stream", { ...message, stream: true })).status, 200);
      assert.equal((await anthropic("tool use", { ...message, tools: [{ name: "f", input_schema: { type: "object" } }], tool_choice: { type: "any" } })).status, 200);
      assert.equal((await postTo("anthropic count", at("anthropic", "/v1/messages/count_tokens"), { "x-api-key": anthropicKey, "anthropic-version": "2023-06-01" }, { model: "claude-haiku-4-5", messages: message.messages })).status, 200);
      assert.equal((await tavily("search", { query: "who?", include_answer: true, include_usage: true })).status, 200);

      // One pool key refuses (401, 402/432, 429): the next serves; every one refusing: the proxy's own error.
      for (const fault of ["401", "402", "429"]) {
        world.sandbox.setKeyFault(poolKeys[0] as string, `${fault},times=3`);
        assert.equal((await openai(`failover ${fault}`, chat)).status, 200);
        assert.equal((await anthropic(`failover ${fault}`, message)).status, 200);
        assert.equal((await tavily(`failover ${fault}`, { query: "who?" })).status, 200);
        world.sandbox.setKeyFault(poolKeys[0] as string, null);
      }
      faultAll("503");
      assert.equal((await openai("all refusing", chat)).status, 503);
      assert.equal((await anthropic("all refusing", message)).status, 503);
      assert.equal((await tavily("all refusing", { query: "who?" })).status, 503);
      faultAll("400");
      assert.equal((await openai("upstream 400", chat)).status, 400);
      assert.equal((await anthropic("upstream 400", message)).status, 400);
      faultAll("stream-error=2");
      assert.equal((await openai("in-stream error", { ...chat, stream: true })).status, 200);
      assert.equal((await anthropic("in-stream error", { ...message, stream: true })).status, 200);
      faultAll("reset");
      assert.equal((await openai("reset", chat)).status, 502);
      assert.equal((await tavily("reset", { query: "who?" })).status, 502);
      faultAll(null);

      assert.equal((await openai("bad json", "{nope")).status, 400);
      assert.equal((await openai("built-in tool", { model: "gpt-4o-mini", input: "x", tools: [{ type: "web_search" }] })).status, 400);
      assert.equal((await anthropic("no max_tokens", { model: "claude-haiku-4-5", messages: message.messages })).status, 400);
      assert.equal((await tavily("no query", {})).status, 400);
      assert.equal((await openai("pool key as bearer", chat, poolKeys[0])).status, 401);
      assert.equal((await anthropic("pool key as x-api-key", message, poolKeys[1])).status, 401);
      assert.equal((await tavily("pool key as bearer", { query: "q" }, poolKeys[0])).status, 401);
      assert.equal((await tavily("api_key in the body", { query: "q", api_key: poolKeys[0] })).status, 200);
    });

    it("no pool key, BYO credential, VENDO_SECRET_KEY or admin token in any status line, header, body or log line", async () => {
      await world.server.settled();
      // A last sweep so slow log lines (settlement, refusals) are in.
      await new Promise((r) => setTimeout(r, 200));
      const needles = [
        ...poolKeys.map((k, i) => needleFor(`pool key ${i + 1}`, k)),
        needleFor("pool key added through the API", apiPoolKey),
        needleFor("BYO credential", byoKey),
        needleFor("VENDO_SECRET_KEY", secretKeyHex, [secretKeyBytes]),
        needleFor("admin token", adminToken),
      ];

      // The detector itself finds what it looks for (so an empty result means something).
      const pool = poolKeys[0] as string;
      assert.ok(leaksIn(`x${pool.slice(20, 32)}y`, needles).length > 0, "a 12-char piece is found");
      assert.ok(leaksIn(Buffer.from(pool).toString("base64"), needles).length > 0, "base64 is found");
      assert.ok(leaksIn(`"a":"${Buffer.from(`:${pool}`).toString("base64")}"`, needles).length > 0, "base64 at an offset is found");
      assert.ok(leaksIn(Buffer.from(pool).toString("hex"), needles).length > 0, "hex is found");
      assert.ok(leaksIn(secretKeyBytes.toString("base64"), needles).length > 0, "the secret key's bytes in base64 are found");
      assert.ok(leaksIn(pool.slice(0, 11) + " " + pool.slice(11, 22), needles).length === 0, "an 11-char piece is not a leak");

      // Something substantial was captured: every kind of answer, and the log lines about them.
      const logs = [...world.logs, ...stderrLines];
      const statuses = new Set(exchanges.map((e) => e.status));
      for (const s of [200, 201, 400, 401, 402, 403, 404, 413, 422, 429, 502, 503]) assert.ok(statuses.has(s), `captured a ${s}`);
      assert.ok(exchanges.length >= 120, `captured ${exchanges.length} exchanges`);
      const bodyBytes = exchanges.reduce((n, e) => n + e.body.length, 0);
      assert.ok(bodyBytes >= 100_000, `captured ${bodyBytes} body bytes`);
      assert.ok(exchanges.filter((e) => e.cut).length >= 3, "aborted and broken exchanges are included");
      assert.ok(world.logs.length >= 100, `captured ${world.logs.length} log lines`);
      assert.ok(world.logs.some((l) => l.includes('"proxy request refused"')), "the proxy's own log lines are included");
      assert.ok(world.logs.some((l) => l.includes('"incoming request"')), "the control API's request log lines are included");
      assert.ok(revealedEnv.includes("vendo_sk_"), "the revealed env was captured");

      const leaks: string[] = [];
      for (const e of exchanges) {
        const text = [e.statusLine, ...e.headers].join("\n") + "\n\n" + e.body.toString("latin1");
        for (const leak of leaksIn(text, needles)) leaks.push(`${e.label}: ${leak}`);
      }
      for (const line of logs) for (const leak of leaksIn(line, needles)) leaks.push(`log: ${leak}`);
      assert.deepEqual(leaks, []);
    });
  });
}
