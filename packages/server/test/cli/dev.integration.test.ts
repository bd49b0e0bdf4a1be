// `vendo dev` as a developer meets it (issue 15): the real binary, the URLs it prints, Host
// routing like production on `<slug>-proxy.localhost:<port>`, the sandbox on the port asked for
// (the same at every start, a clear failure when taken), its audit URL, and the sandbox's fault
// controls through the proxy. The README sends readers to the printed URL instead of a port.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { usdNumberToNanos } from "../../src/ledger/money.js";
import { waitFor } from "../support/waitFor.js";
import { cliEnv, repoRoot, runVendo, vendoBin } from "./support/runVendo.js";

/** The fields of an OpenRouter answer this test reads. */
interface Answer {
  id: string;
  usage: { completion_tokens: number };
  error?: { code: number; message: string };
}

interface Dev {
  child: ChildProcess;
  banner: string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Starts `vendo dev` and resolves once it printed its whole banner (its last line). */
function startDev(args: string[], env: NodeJS.ProcessEnv = cliEnv({})): Promise<Dev> {
  const child = spawn(process.execPath, [vendoBin, "dev", ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  let out = "";
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (err += s));
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      if (out.includes("Ctrl-C stops.")) resolve({ child, banner: out, exited });
    });
    void exited.then((code) => reject(new Error(`vendo dev exited ${code} before its banner:\n${out}${err}`)));
  });
}

async function stopDev(dev: Dev): Promise<void> {
  dev.child.kill("SIGINT");
  await dev.exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The value of a banner field (`name   value`), up to the first space. */
function field(banner: string, name: string): string {
  const value = new RegExp(`^${name}\\s{2,}(\\S+)`, "m").exec(banner)?.[1];
  assert.ok(value, `the banner has no "${name}" line:\n${banner}`);
  return value;
}

describe("vendo dev", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "vendo-dev-"));
  let sandboxPort = 0;
  let dev: Dev;
  let apiUrl = "";
  let key = "";

  before(async () => {
    sandboxPort = await freePort();
    dev = await startDev(["--port", "0", "--sandbox-port", String(sandboxPort), "--data-dir", dataDir]);
    apiUrl = field(dev.banner, "control API");
    key = field(dev.banner, "demo key");
  });
  after(async () => {
    if (dev) await stopDev(dev);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const port = () => new URL(apiUrl).port;
  const chat = async (url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await request(url, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: JSON.stringify({ messages: [{ role: "user", content: "hello world" }], ...body }),
    });
    return { status: res.statusCode, json: (await res.body.json()) as Answer };
  };

  it("prints the sandbox's audit URL on the port asked for, and it answers", async () => {
    const audit = field(dev.banner, "sandbox audit");
    assert.equal(audit, `http://127.0.0.1:${sandboxPort}/__sandbox/calls`);
    const res = await request(audit);
    assert.equal(res.statusCode, 200);
    assert.ok(Array.isArray(((await res.body.json()) as { calls: unknown }).calls));
  });

  it("prints a one-click sign-in link to the demo tenant's dashboard that works once", async () => {
    const link = field(dev.banner, "dashboard");
    assert.match(link, new RegExp(`^${apiUrl}/dashboard/#link=vendo_dl_[0-9A-Za-z]{40}$`));
    const page = await request(link.split("#")[0] as string);
    assert.equal(page.statusCode, 200);
    assert.match(await page.body.text(), /<div id="app">/);
    const signIn = () =>
      request(`${apiUrl}/dashboard/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ link: link.split("#link=")[1] }) });
    const first = await signIn();
    assert.equal(first.statusCode, 201);
    assert.deepEqual(((await first.body.json()) as { kind: string; tenant_name: string }).tenant_name, "demo");
    const again = await signIn();
    assert.equal(again.statusCode, 401, "used once");
    await again.body.dump();
  });

  it("answers on http://openrouter-proxy.localhost:<port>/v1 by Host, as well as on /proxy/openrouter/v1", async () => {
    const byHost = field(dev.banner, "proxy by Host");
    assert.equal(byHost, `http://openrouter-proxy.localhost:${port()}/v1`);
    assert.equal(field(dev.banner, "proxy URL"), `${apiUrl}/proxy/openrouter/v1`);
    // What a browser or curl sends for that URL: the loopback address, with the Host it named.
    const routed = await chat(`${apiUrl}/v1/chat/completions`, { model: "openai/gpt-4o-mini" }, { host: `openrouter-proxy.localhost:${port()}` });
    assert.equal(routed.status, 200, JSON.stringify(routed.json));
    assert.match(routed.json.id, /^gen-/);
    const prefixed = await chat(`${apiUrl}/proxy/openrouter/v1/chat/completions`, { model: "openai/gpt-4o-mini" });
    assert.equal(prefixed.status, 200);
    // Without that Host, /v1/… is no proxy route.
    const plain = await chat(`${apiUrl}/v1/chat/completions`, { model: "openai/gpt-4o-mini" });
    assert.equal(plain.status, 404);
  });

  it("passes the sandbox's fault controls through the proxy and charges a `~` model as its base", async () => {
    const proxy = `${apiUrl}/proxy/openrouter/v1`;
    const short = await chat(`${proxy}/chat/completions`, { model: "openai/gpt-4o-mini" }, { "x-sandbox-completion-tokens": "2" });
    assert.equal(short.json.usage.completion_tokens, 2);
    const suffixed = await chat(`${proxy}/chat/completions`, { model: "openai/gpt-4o-mini~tokens=6" });
    assert.equal(suffixed.status, 200, JSON.stringify(suffixed.json));
    assert.equal(suffixed.json.usage.completion_tokens, 6);
    const failing = await chat(`${proxy}/chat/completions`, { model: "openai/gpt-4o-mini~429" });
    assert.ok(failing.status >= 400 && typeof failing.json.error?.message === "string", JSON.stringify(failing.json));

    // What Vendo charged for the suffixed call is what the sandbox's audit log says it cost.
    const audit = (await (await request(field(dev.banner, "sandbox audit"))).body.json()) as { calls: Array<{ id: string; costNanos: string }> };
    const billed = audit.calls.find((c) => c.id === suffixed.json.id);
    assert.ok(billed, "the audit log has the call");
    let generation: { status: number; body: { data?: { total_cost: number } } } = { status: 0, body: {} };
    for (const deadline = Date.now() + 3_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
      const res = await request(`${proxy}/generation?id=${suffixed.json.id}`, { headers: { authorization: `Bearer ${key}` } });
      generation = { status: res.statusCode, body: (await res.body.json()) as { data?: { total_cost: number } } };
      if (generation.status === 200) break;
    }
    assert.equal(generation.status, 200, JSON.stringify(generation.body));
    assert.equal(usdNumberToNanos(generation.body.data?.total_cost ?? NaN), BigInt(billed.costNanos));
  });

  it("seeds a demo of every integration: the deployment is connected to each, whose proxy answers with its own key", async () => {
    const deploymentId = field(dev.banner, "deployment");
    assert.match(dev.banner, /connected to anthropic, openai, openrouter, tavily\)/);
    for (const slug of ["openai", "anthropic", "tavily"]) {
      assert.equal(field(dev.banner, slug), `${apiUrl}/proxy/${slug}${slug === "openai" ? "/v1" : ""}`);
      assert.match(dev.banner, new RegExp(`npx vendo run --deployment ${deploymentId} -- node examples/${slug}/`));
    }
    const adminToken = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
    const env = await runVendo(["env", deploymentId, "--reveal", "--format", "json"], cliEnv({ VENDO_API_URL: apiUrl, VENDO_ADMIN_TOKEN: adminToken }));
    assert.equal(env.code, 0, env.stderr);
    const vars = JSON.parse(env.stdout) as Record<string, string>;
    const post = (url: string, headers: Record<string, string>, body: unknown) =>
      request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));
    const openai = await post(`${vars.OPENAI_BASE_URL}/chat/completions`, { authorization: `Bearer ${vars.OPENAI_API_KEY}` }, { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 });
    assert.equal(openai.status, 200, openai.text);
    const anthropic = await post(`${vars.ANTHROPIC_BASE_URL}/v1/messages`, { "x-api-key": vars.ANTHROPIC_API_KEY ?? "", "anthropic-version": "2023-06-01" }, { model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
    assert.equal(anthropic.status, 200, anthropic.text);
    const tavily = await post(`${vars.TAVILY_BASE_URL}/search`, { authorization: `Bearer ${vars.TAVILY_API_KEY}` }, { query: "hello" });
    assert.equal(tavily.status, 200, tavily.text);
  });

  it("prints the export line with the URL it listens on, which the README points to instead of a port", () => {
    assert.match(dev.banner, new RegExp(`^export VENDO_API_URL=${apiUrl} VENDO_ADMIN_TOKEN=\\$\\(cat .+admin\\.token\\)$`, "m"));
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    assert.doesNotMatch(readme, /127\.0\.0\.1:8080|localhost:8080/, "the README hard-codes a port");
    assert.match(readme, /export VENDO_API_URL=… VENDO_ADMIN_TOKEN=…/);
  });

  it("refuses, with one clear line, to start a second sandbox on a port that is taken", async () => {
    const other = mkdtempSync(join(tmpdir(), "vendo-dev-other-"));
    try {
      const r = await runVendo(["dev", "--port", "0", "--sandbox-port", String(sandboxPort), "--data-dir", other], cliEnv({}));
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`sandbox's port ${sandboxPort} is in use: pass --sandbox-port N or set VENDO_SANDBOX_PORT`));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("keeps the sandbox on the same port across restarts (VENDO_SANDBOX_PORT works too)", async () => {
    const auditBefore = field(dev.banner, "sandbox audit");
    await stopDev(dev);
    dev = await startDev(["--port", "0", "--data-dir", dataDir], cliEnv({ VENDO_SANDBOX_PORT: String(sandboxPort) }));
    apiUrl = field(dev.banner, "control API");
    assert.equal(field(dev.banner, "sandbox audit"), auditBefore);
    assert.equal(field(dev.banner, "demo key"), key, "the same demo deployment and key");
  });

  it("invariant 5: `vendo audit` in the data folder agrees with the sandbox, before and after a restart (the sandbox starts its bill over)", async () => {
    // A call's settlement trails its answer by a moment: an audit that sees it running says so
    // (in_flight) and is asked again; any other disagreement fails at once.
    const agreed = () =>
      waitFor("the audit to agree with the sandbox", async () => {
        const r = await runVendo(["audit", "--data-dir", dataDir, "--json"], cliEnv({}));
        const report = JSON.parse(r.stdout) as { ok: boolean; upstream: Array<{ outcome: string; integration: string }>; not_reconciled: string[] };
        // OpenAI's and Anthropic's pools have no upstream record an inference key can read: the audit says so.
        const unrecorded = new Set(["openai", "anthropic"]);
        const compared = report.upstream.filter((u) => !unrecorded.has(u.integration));
        assert.deepEqual(report.upstream.filter((u) => unrecorded.has(u.integration)).map((u) => u.outcome), ["no_upstream_record", "no_upstream_record"], r.stdout);
        assert.equal(report.not_reconciled.length, 2, r.stdout);
        assert.deepEqual(compared.map((u) => u.integration).sort(), ["openrouter", "tavily"]);
        assert.ok(compared.every((u) => u.outcome === "agreed" || u.outcome === "in_flight"), r.stdout);
        return r.code === 0 && report.ok && compared.every((u) => u.outcome === "agreed");
      });
    assert.equal((await chat(`${apiUrl}/proxy/openrouter/v1/chat/completions`, { model: "qwen/qwen3-8b", max_tokens: 10 })).status, 200);
    await agreed();
    await stopDev(dev);
    dev = await startDev(["--port", "0", "--sandbox-port", String(sandboxPort), "--data-dir", dataDir]);
    apiUrl = field(dev.banner, "control API");
    await agreed();
    assert.equal((await chat(`${apiUrl}/proxy/openrouter/v1/chat/completions`, { model: "qwen/qwen3-8b", max_tokens: 10 })).status, 200);
    await agreed();
  });
});
