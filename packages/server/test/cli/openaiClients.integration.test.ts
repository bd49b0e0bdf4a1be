// The OpenAI integration's official clients, unmodified and configured only by what `vendo run`
// injects (OPENAI_API_KEY, OPENAI_BASE_URL), against the sandbox's OpenAI: the `openai` client
// (chat plain and streamed, a tool call, the Responses API plain and streamed, embeddings) and the
// Vercel AI SDK's `@ai-sdk/openai` (Responses and chat, plain and streamed). Each call is charged
// the sandbox's exact cost × markup to the nano-USD.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { completionText } from "@vendo/sandbox";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";
import { chargedAsServed, clientDeployment } from "./support/clientRun.js";

const MARKUP_BPS = 300n;

for (const { kind, skip } of storeKinds) {
  describe(`OpenAI's official clients through vendo run (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { integrations: ["openai"], poolKeys: ["sk-openai-run-pool-0123456789"], markupBps: MARKUP_BPS });
    });
    after(() => world?.close());

    it("openai: chat, streamed chat, a tool call, responses plain and streamed, embeddings", async () => {
      world.sandbox.reset();
      const app = await clientDeployment(world, "openai");
      const r = await app.run("examples/openai/openai-sdk.mjs", "hello", "vendo");
      assert.equal(r.code, 0, r.stderr);
      const served = world.sandbox.calls({ served: true });
      assert.deepEqual(
        served.map((c) => `${c.path} ${c.streamed ? "streamed" : "plain"}`),
        [
          "/openai/v1/chat/completions plain",
          "/openai/v1/chat/completions streamed",
          "/openai/v1/chat/completions plain",
          "/openai/v1/responses plain",
          "/openai/v1/responses streamed",
          "/openai/v1/embeddings plain",
        ],
      );
      const lines = r.stdout.trimEnd().split("\n");
      const text = (i: number) => completionText(served[i]?.completionTokens ?? -1, served[i]?.promptTokens ?? -1);
      assert.equal(lines[0], text(0));
      assert.equal(lines[1], text(1), "the stream arrived whole");
      assert.equal(lines[2], 'get_weather({"city":"sandbox reply"})');
      assert.equal(lines[3], text(3));
      assert.equal(lines[4], text(4));
      assert.equal(lines[5], "embedding of 1536 dimensions");
      await chargedAsServed(world, app, MARKUP_BPS);
    });

    it("@ai-sdk/openai: the Responses API and chat, plain and streamed", async () => {
      world.sandbox.reset();
      const app = await clientDeployment(world, "openai");
      const r = await app.run("examples/openai/ai-sdk.mjs", "hello", "vendo");
      assert.equal(r.code, 0, r.stderr);
      const served = world.sandbox.calls({ served: true });
      assert.deepEqual(served.map((c) => `${c.path.split("/").pop()} ${c.streamed}`), ["responses false", "responses true", "completions false", "completions true"]);
      assert.deepEqual(r.stdout.trimEnd().split("\n"), served.map((c) => completionText(c.completionTokens, c.promptTokens)));
      await chargedAsServed(world, app, MARKUP_BPS);
    });
  });
}
