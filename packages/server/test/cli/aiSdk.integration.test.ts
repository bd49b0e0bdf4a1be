// The Vercel AI SDK with `@openrouter/ai-sdk-provider` (issue 15): the form the OpenRouter docs
// page and `vendo run` give (createOpenRouter with `baseURL: process.env.OPENROUTER_BASE_URL`)
// works through `vendo run` against the sandbox, non-streamed and streamed, charged to the
// nano-USD. examples/ai-sdk-provider.mjs carries the catalog's example lines verbatim; this test
// checks that, then runs it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { clientNotes, getIntegration, renderIntegrationDoc } from "@vendo/integrations";
import { completionText, countPromptTokens } from "@vendo/sandbox";
import { applyMarkup, decimalToNanos } from "../../src/ledger/money.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";
import { cliEnv, repoRoot, runVendo } from "./support/runVendo.js";

const MARKUP_BPS = 500n; // 5 %
const EXAMPLE = "examples/ai-sdk-provider.mjs";
const openrouter = getIntegration("openrouter");
const documented = openrouter.clients.find((c) => c.package === "@openrouter/ai-sdk-provider");

describe("the documented @openrouter/ai-sdk-provider form", () => {
  it("passes the injected base URL, and the docs page shows it", () => {
    assert.ok(documented, "the catalog documents @openrouter/ai-sdk-provider");
    assert.ok(documented.example.some((line) => line.includes("createOpenRouter({ baseURL: process.env.OPENROUTER_BASE_URL })")));
    const page = renderIntegrationDoc(openrouter);
    assert.ok(page.includes(clientNotes(openrouter) ?? "\0"), "the page renders the catalog's client notes");
    const committed = readFileSync(join(repoRoot, "docs/integrations/openrouter.md"), "utf8");
    assert.ok(committed.includes(documented.example.join("\n")), "docs/integrations/openrouter.md has the example (run npm run generate)");
  });

  it(`is in ${EXAMPLE} line for line`, () => {
    const lines = readFileSync(join(repoRoot, EXAMPLE), "utf8").split("\n");
    const code = (documented?.example ?? []).filter((l) => l !== "");
    let at = -1;
    for (const line of code) {
      const found = lines.indexOf(line, at + 1);
      assert.ok(found > at, `${EXAMPLE} lacks, in order: ${line}`);
      at = found;
    }
  });
});

for (const { kind, skip } of storeKinds) {
  describe(`@openrouter/ai-sdk-provider through vendo run (${kind})`, { skip }, () => {
    let world: World;
    let admin: NodeJS.ProcessEnv;
    let tenantId = "";
    let deploymentId = "";

    before(async () => {
      world = await startWorld(kind, { markupBps: MARKUP_BPS });
      admin = cliEnv({ VENDO_API_URL: world.server.url, VENDO_ADMIN_TOKEN: WORLD_ADMIN_TOKEN });
      const json = async (args: string[]) => {
        const r = await runVendo([...args, "--json"], admin);
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout);
      };
      tenantId = (await json(["tenants", "create", "ai-sdk-co"])).id;
      await json(["credits", "add", tenantId, "1", "--idempotency-key", "ai-sdk-1"]);
      deploymentId = (await json(["deployments", "create", "ai-app", "--tenant", tenantId])).id;
      await json(["connect", deploymentId, "openrouter"]);
    });
    after(() => world?.close());

    it("answers, non-streamed then streamed, exactly what the sandbox generated, and is charged for both", async () => {
      const r = await runVendo(["run", "--deployment", deploymentId, "--", process.execPath, EXAMPLE], admin);
      assert.equal(r.code, 0, r.stderr);

      const served = world.sandbox.calls({ served: true });
      assert.equal(served.length, 2, "both calls reached the sandbox through the proxy");
      assert.deepEqual(served.map((c) => c.streamed), [false, true]);
      const prompt = countPromptTokens({ messages: [{ role: "user", content: "Say hello." }] });
      for (const call of served) assert.equal(call.promptTokens, prompt, "the prompt arrived intact");
      assert.equal(r.stdout, served.map((c) => completionText(c.completionTokens, c.promptTokens) + "\n").join(""));

      await world.server.settled();
      const usage = await runVendo(["usage", "--tenant", tenantId, "--json"], admin);
      const charged = decimalToNanos(JSON.parse(usage.stdout).total.charge);
      assert.equal(charged, served.reduce((sum, c) => sum + applyMarkup(c.costNanos, MARKUP_BPS), 0n));
    });

    it("tells, on stderr only, how to pass the base URL to the provider (and --quiet silences it)", async () => {
      const r = await runVendo(["run", "--deployment", deploymentId, "--", process.execPath, "-e", "process.stdout.write('app output')"], admin);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "app output");
      assert.match(r.stderr, /with @openrouter\/ai-sdk-provider, pass the base URL: const openrouter = createOpenRouter\(\{ baseURL: process\.env\.OPENROUTER_BASE_URL \}\);/);
      assert.match(r.stderr, /vendo docs openrouter/);
      const quiet = await runVendo(["run", "--quiet", "--deployment", deploymentId, "--", process.execPath, "-e", "0"], admin);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(quiet.stderr, "");
    });
  });
}
