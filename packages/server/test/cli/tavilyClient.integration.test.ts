// Tavily's official JavaScript client `@tavily/core`, unmodified, configured by what `vendo run`
// injects (TAVILY_API_KEY; TAVILY_BASE_URL passed as apiBaseURL, the form its docs page gives),
// against the sandbox's Tavily: each search charged the credits the sandbox billed × the catalog's
// price × markup, to the nano-USD.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getIntegration } from "@vendo/integrations";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";
import { chargedAsServed, clientDeployment } from "./support/clientRun.js";
import { repoRoot } from "./support/runVendo.js";

const MARKUP_BPS = 2_500n;
const EXAMPLE = "examples/tavily/tavily-core.mjs";
const documented = getIntegration("tavily").clients.find((c) => c.package === "@tavily/core");

describe("the documented @tavily/core form", () => {
  it(`is in ${EXAMPLE}, line for line`, () => {
    assert.ok(documented?.example.includes("const tvly = tavily({ apiBaseURL: process.env.TAVILY_BASE_URL });"));
    const lines = readFileSync(join(repoRoot, EXAMPLE), "utf8").split("\n");
    let at = -1;
    for (const line of (documented?.example ?? []).filter((l) => l !== "")) {
      const found = lines.indexOf(line, at + 1);
      assert.ok(found > at, `${EXAMPLE} lacks, in order: ${line}`);
      at = found;
    }
  });
});

for (const { kind, skip } of storeKinds) {
  describe(`@tavily/core through vendo run (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { integrations: ["tavily"], poolKeys: ["tvly-run-pool-0123456789"], markupBps: MARKUP_BPS });
    });
    after(() => world?.close());

    it("a basic and an advanced search, charged their credits", async () => {
      world.sandbox.reset();
      const app = await clientDeployment(world, "tavily");
      const r = await app.run(EXAMPLE);
      assert.equal(r.code, 0, r.stderr);
      const served = world.sandbox.calls({ served: true });
      assert.deepEqual(served.map((c) => c.units), [1, 2]);
      const [urls, answer] = r.stdout.trimEnd().split("\n");
      assert.equal(urls?.split(" ").length, 5, "five results by default");
      assert.match(answer ?? "", /^Who is Leo Messi\?: /);
      await chargedAsServed(world, app, MARKUP_BPS);
      assert.match(r.stderr, /with @tavily\/core, pass the base URL: const tvly = tavily\(\{ apiBaseURL: process\.env\.TAVILY_BASE_URL \}\);/);
    });
  });
}
