// Each integration is operated with the same verbs as OpenRouter (issue 12): its pool
// (`vendo pool add|list`), its markup (`vendo markup set|list`, applied to its charges), a key
// with a spending limit for it (`vendo keys create --integration … --limit`, enforced by the
// proxy: the call past it is refused in the integration's shape and never forwarded), and its
// docs page (`vendo docs <slug>`, the page the catalog renders). Through the real binary, against
// a world whose upstream for each is the sandbox.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { renderDocsCommand } from "@vendo/integrations";
import { request } from "undici";
import { expectedCharge } from "../support/expectedMoney.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";
import { cliEnv, runVendo } from "./support/runVendo.js";

interface Call {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * One call of each integration, the way its clients make it, with the key where they send it, and
 * a key limit that holds one such call but not two: with 1,000 completion tokens the hold is about
 * $0.0007 (gpt-4o-mini) or $0.0058 (claude-haiku-4-5) with the 15 % markup, and the sandbox writes
 * all 1,000 (a pool-key fault); one Tavily credit ($0.0092 with it) is past a $0.0005 limit at once.
 */
const calls: Record<string, { limit: string; call(base: string, key: string): Call }> = {
  openai: { limit: "0.001", call: (base, key) => ({ url: `${base}/chat/completions`, headers: { authorization: `Bearer ${key}` }, body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 1000 } }) },
  anthropic: {
    limit: "0.008",
    call: (base, key) => ({ url: `${base}/v1/messages`, headers: { "x-api-key": key, "anthropic-version": "2023-06-01" }, body: { model: "claude-haiku-4-5", max_tokens: 1000, messages: [{ role: "user", content: "hi" }] } }),
  },
  tavily: { limit: "0.0005", call: (base, key) => ({ url: `${base}/search`, headers: { authorization: `Bearer ${key}` }, body: { query: "hi" } }) },
};

for (const { kind, skip } of storeKinds) {
  describe(`pools, markups, key limits and docs per integration, through the CLI (${kind})`, { skip }, () => {
    let world: World;
    let admin: NodeJS.ProcessEnv;
    before(async () => {
      // No pool seeded: the CLI adds it.
      world = await startWorld(kind, { integrations: [] });
      admin = cliEnv({ VENDO_API_URL: world.server.url, VENDO_ADMIN_TOKEN: WORLD_ADMIN_TOKEN, POOL_SECRET: world.poolKeys[0] });
    });
    after(() => world?.close());

    const vendo = async (...args: string[]) => {
      const r = await runVendo(args, admin);
      assert.equal(r.code, 0, `vendo ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };

    for (const slug of Object.keys(calls)) {
      it(`${slug}: pool, markup, a key limit the proxy enforces, the docs page`, async () => {
        const added = JSON.parse(await vendo("pool", "add", slug, "--secret-env", "POOL_SECRET", "--label", `${slug}-pool`, "--json")) as { id: string; integration: string };
        assert.equal(added.integration, slug);
        const listed = JSON.parse(await vendo("pool", "list", "--integration", slug, "--json")) as Array<{ id: string; masked: string }>;
        assert.deepEqual(listed.map((p) => p.id), [added.id]);
        assert.ok(!JSON.stringify(listed).includes(world.poolKeys[0] ?? "\0"), "the secret is never listed");
        await vendo("markup", "set", slug, "1500");
        const markups = JSON.parse(await vendo("markup", "list", "--json")) as Array<{ slug: string; markup_bps: number }>;
        assert.equal(markups.find((m) => m.slug === slug)?.markup_bps, 1500);

        const tenant = (JSON.parse(await vendo("tenants", "create", `${slug}-co`, "--json")) as { id: string }).id;
        await vendo("credits", "add", tenant, "1", "--idempotency-key", `per-${slug}-${tenant}`);
        const { limit, call: make } = calls[slug] as (typeof calls)[string];
        const key = (JSON.parse(await vendo("keys", "create", "--name", `${slug} key`, "--integration", slug, "--tenant", tenant, "--limit", limit, "--json")) as { key: string }).key;
        await world.server.catchUp();

        world.sandbox.reset();
        for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, "tokens=1000");
        const call = make(world.proxyUrl(slug), key);
        const send = () =>
          request(call.url, { method: "POST", headers: { "content-type": "application/json", ...call.headers }, body: JSON.stringify(call.body) }).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));
        const first = await send();
        if (slug === "tavily") {
          // One credit is $0.008 with 15 %: more than the key's limit, refused before Tavily.
          assert.equal(first.status, 402, first.text);
          assert.match((JSON.parse(first.text) as { detail: { error: string } }).detail.error, /this key's spending limit has \$0\.0005 available/);
          assert.deepEqual(world.sandbox.calls(), []);
          for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, null);
        } else {
          assert.equal(first.status, 200, first.text);
          await world.server.settled();
          const [served] = world.sandbox.calls({ served: true });
          const [hold] = await world.server.store.db.selectFrom("holds").select("charge").where("tenant_id", "=", tenant).execute();
          assert.equal(hold?.charge, expectedCharge(served?.costExact ?? "x", 1500n), "charged with the integration's markup");
          const second = await send();
          for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, null);
          assert.equal(second.status, 402, second.text);
          assert.match(second.text, /this key's spending limit has \$0\.00\d+ available/);
          assert.equal(world.sandbox.calls().length, 1, "the refused call was never forwarded");
        }

        const page = await runVendo(["docs", slug], cliEnv({}));
        assert.equal(page.code, 0, page.stderr);
        assert.equal(page.stdout, renderDocsCommand(slug).trimEnd() + "\n");
      });
    }
  });
}
