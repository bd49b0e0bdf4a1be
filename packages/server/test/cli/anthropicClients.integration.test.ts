// The Anthropic integration's official clients, unmodified and configured only by what `vendo run`
// injects (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL), against the sandbox's Anthropic: the
// `@anthropic-ai/sdk` client (a message plain and streamed, a forced tool use, a free token count)
// and the Vercel AI SDK's `@ai-sdk/anthropic` in the form its docs page gives (the base URL with
// /v1 appended). Each call is charged the sandbox's exact cost × markup to the nano-USD.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getIntegration, renderIntegrationDoc } from "@vendo/integrations";
import { completionText } from "@vendo/sandbox";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";
import { chargedAsServed, clientDeployment } from "./support/clientRun.js";
import { repoRoot } from "./support/runVendo.js";

const MARKUP_BPS = 2_000n;
const AI_SDK_EXAMPLE = "examples/anthropic/ai-sdk.mjs";
const documented = getIntegration("anthropic").clients.find((c) => c.package === "@ai-sdk/anthropic");

describe("the documented @ai-sdk/anthropic form", () => {
  it(`is on the docs page and in ${AI_SDK_EXAMPLE}, line for line`, () => {
    assert.ok(documented?.example.some((l) => l.includes("createAnthropic({ baseURL: `${process.env.ANTHROPIC_BASE_URL}/v1` })")));
    assert.ok(renderIntegrationDoc(getIntegration("anthropic")).includes(documented?.example.join("\n") ?? "\0"));
    const lines = readFileSync(join(repoRoot, AI_SDK_EXAMPLE), "utf8").split("\n");
    let at = -1;
    for (const line of (documented?.example ?? []).filter((l) => l !== "")) {
      const found = lines.indexOf(line, at + 1);
      assert.ok(found > at, `${AI_SDK_EXAMPLE} lacks, in order: ${line}`);
      at = found;
    }
  });
});

for (const { kind, skip } of storeKinds) {
  describe(`Anthropic's official clients through vendo run (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { integrations: ["anthropic"], poolKeys: ["sk-ant-run-pool-0123456789"], markupBps: MARKUP_BPS });
    });
    after(() => world?.close());

    it("@anthropic-ai/sdk: a message, streamed, a tool use, a token count", async () => {
      world.sandbox.reset();
      const app = await clientDeployment(world, "anthropic");
      const r = await app.run("examples/anthropic/anthropic-sdk.mjs", "hello", "vendo");
      assert.equal(r.code, 0, r.stderr);
      const served = world.sandbox.calls({ served: true });
      assert.deepEqual(served.map((c) => c.streamed), [false, true, false], "three generations; the count is no generation");
      const lines = r.stdout.trimEnd().split("\n");
      assert.equal(lines[0], completionText(served[0]?.completionTokens ?? -1, served[0]?.promptTokens ?? -1));
      assert.equal(lines[1], completionText(served[1]?.completionTokens ?? -1, served[1]?.promptTokens ?? -1), "the stream arrived whole");
      assert.equal(lines[2], 'get_weather({"city":"sandbox reply"})');
      assert.equal(lines[3], `${served[0]?.promptTokens} input tokens`, "the count is the prompt the message was billed");
      await chargedAsServed(world, app, MARKUP_BPS);
    });

    it("@ai-sdk/anthropic with the documented base URL: plain and streamed", async () => {
      world.sandbox.reset();
      const app = await clientDeployment(world, "anthropic");
      const r = await app.run(AI_SDK_EXAMPLE);
      assert.equal(r.code, 0, r.stderr);
      const served = world.sandbox.calls({ served: true });
      assert.deepEqual(served.map((c) => c.streamed), [false, true]);
      assert.deepEqual(r.stdout.trimEnd().split("\n"), served.map((c) => completionText(c.completionTokens, c.promptTokens)));
      await chargedAsServed(world, app, MARKUP_BPS);
    });
  });
}
