// The hold covers the worst case the upstream can bill (docs/money.md, invariant 3), through the
// real proxy against the sandbox: without max_tokens it assumes the model's own maximum completion,
// so concurrent calls on a small balance or a small key limit never overdraw; a large base64 image
// is not counted as prompt tokens beyond the model's context; `n` choices are held for; a 402 says
// how much was asked and how much is there; a key with fit_to_balance gets a smaller max_tokens.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { decimalToNanos } from "../../src/ledger/money.js";
import { expectedCharge } from "../support/expectedMoney.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const MARKUP_BPS = 1_000n;

/** The fields of an answer (or of OpenRouter's error body) this test reads. */
interface Answer {
  choices: unknown[];
  error: { code: number; message: string; metadata: { limit_source: string; available_usd: string } };
}
const MODEL = "openai/gpt-4o-mini"; // 16,384 completion tokens at most, 0.0000006 USD each

for (const { kind, skip } of storeKinds) {
  describe(`holds bound the worst case (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { markupBps: MARKUP_BPS });
    });
    after(async () => world?.close());

    const chat = (key: string, body: Record<string, unknown>) =>
      request(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "write as much as you can" }], ...body }),
      }).then(async (res) => ({ status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Answer }));

    const db = () => world.server.store.db;
    const holdsOf = (tenantId: string) => db().selectFrom("holds").selectAll().where("tenant_id", "=", tenantId).execute();

    /** Every posted hold was at least its charge, and each charge is the sandbox's exact cost with the markup. */
    async function chargesWithinHolds(tenantId: string): Promise<number> {
      const byRequest = new Map(world.sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
      let posted = 0;
      for (const hold of await holdsOf(tenantId)) {
        if (hold.status !== "posted") continue;
        posted++;
        assert.ok(hold.charge <= hold.amount, `charge ${hold.charge} within its hold ${hold.amount}`);
        const served = byRequest.get(hold.request_id);
        assert.ok(served, `the sandbox served ${hold.request_id}: ${JSON.stringify([...byRequest.keys()])}`);
        assert.equal(hold.charge, expectedCharge(served.costExact, MARKUP_BPS));
      }
      return posted;
    }

    it("invariant 3: no max_tokens, 10 calls at once on a $0.03 balance: the model's own maximum is held, the balance never goes below zero", async () => {
      world.sandbox.reset();
      // The upstream writes as much as the model allows when nothing caps it.
      for (const key of world.poolKeys) world.sandbox.setKeyFault(key, "tokens=16384");
      const tenant = await world.createTenant("0.03");
      const key = await world.createKey(tenant);
      const answers = await Promise.all(Array.from({ length: 10 }, () => chat(key.plaintext, {})));
      await world.server.settled();
      for (const key of world.poolKeys) world.sandbox.setKeyFault(key, null);
      const ok = answers.filter((a) => a.status === 200).length;
      assert.ok(ok >= 1 && ok <= 3, `${ok} calls fit`);
      assert.ok(answers.every((a) => a.status === 200 || a.status === 402), answers.map((a) => a.status).join(","));
      const balance = await db().selectFrom("balances").selectAll().where("tenant_id", "=", tenant).executeTakeFirstOrThrow();
      assert.ok(balance.balance >= 0n, `balance ${balance.balance} never below zero`);
      assert.equal(balance.held, 0n);
      assert.equal(await chargesWithinHolds(tenant), ok);
      const completions = world.sandbox.calls({ served: true }).map((c) => c.completionTokens);
      assert.ok(completions.every((t) => t === 16_384), "each served call wrote the model's maximum");
    });

    it("invariant 3: the same on a $0.02 key limit: the key never spends past its limit", async () => {
      world.sandbox.reset();
      for (const key of world.poolKeys) world.sandbox.setKeyFault(key, "tokens=16384");
      const tenant = await world.createTenant("5");
      const key = await world.createKey(tenant, { limitUsd: "0.02" });
      const answers = await Promise.all(Array.from({ length: 8 }, () => chat(key.plaintext, {})));
      await world.server.settled();
      for (const key of world.poolKeys) world.sandbox.setKeyFault(key, null);
      const ok = answers.filter((a) => a.status === 200).length;
      assert.ok(ok >= 1 && ok <= 2, `${ok} calls fit`);
      const counters = await db().selectFrom("key_counters").selectAll().where("key_id", "=", key.id).executeTakeFirstOrThrow();
      assert.ok(counters.usage <= (decimalToNanos("0.02") as bigint), `key usage ${counters.usage} within its limit`);
      assert.equal(await chargesWithinHolds(tenant), ok);
      const refused = answers.find((a) => a.status === 402);
      assert.ok(refused, "the rest were refused");
      assert.equal(refused.body.error.metadata.limit_source, "openrouter_key_limit");
      assert.match(refused.body.error.message, /could cost up to \$0\.0\d+.*16384 completion tokens.*this key's spending limit has \$0\.0\d* available/);
    });

    it("a 402 on the balance names the amount asked, what is available and how to lower it; nothing reaches the upstream", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("0.001");
      const key = await world.createKey(tenant);
      const refused = await chat(key.plaintext, { max_tokens: 10_000 });
      assert.equal(refused.status, 402);
      assert.equal(refused.body.error.code, 402);
      assert.equal(refused.body.error.metadata.limit_source, "openrouter_credits");
      assert.equal(refused.body.error.metadata.available_usd, "0.001");
      assert.match(refused.body.error.message, /Lower max_tokens/);
      assert.equal(world.sandbox.calls().length, 0);
      // A request that fits the same balance is served.
      assert.equal((await chat(key.plaintext, { max_tokens: 100 })).status, 200);
    });

    it("invariant 3: a 750 KB base64 image is not 750,000 prompt tokens: a $1 tenant is served, not refused", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      const image = `data:image/png;base64,${Buffer.alloc(563_000, 7).toString("base64")}`;
      assert.ok(image.length > 750_000);
      const answer = await chat(key.plaintext, {
        max_tokens: 20,
        messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: image } }] }],
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
      await world.server.settled();
      const [hold] = await holdsOf(tenant);
      // The prompt is bounded by the model's 128,000-token context: at most 128,000 × 150 + 20 × 600 nano-USD, with the markup.
      const bound = ((128_000n * 150n + 20n * 600n) * 11_000n + 9_999n) / 10_000n;
      assert.ok(hold && hold.amount <= bound, `hold ${hold?.amount} within ${bound}`);
      assert.equal(await chargesWithinHolds(tenant), 1);
    });

    it("invariant 3: the same image on a model at $15 per million prompt tokens (claude-opus-4) fits $2: it counts as an image (≤ 50,000 tokens), not as 750,000 bytes of text ($4.22 held before)", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("2");
      const key = await world.createKey(tenant);
      const image = `data:image/png;base64,${Buffer.alloc(563_000, 7).toString("base64")}`;
      const answer = await chat(key.plaintext, {
        model: "anthropic/claude-opus-4",
        max_tokens: 100,
        messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: image } }] }],
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
      await world.server.settled();
      assert.equal(await chargesWithinHolds(tenant), 1);
    });

    it("invariant 3: n = 4 choices are held for and charged", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      const answer = await chat(key.plaintext, { n: 4, max_tokens: 25 });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.choices.length, 4);
      await world.server.settled();
      const [served] = world.sandbox.calls({ served: true });
      assert.ok(served && served.completionTokens > 25, "the upstream billed more than one choice");
      const [hold] = await holdsOf(tenant);
      assert.ok(hold && hold.amount >= (4n * 25n * 600n * 11_000n) / 10_000n, "the hold covers four choices");
      assert.equal(await chargesWithinHolds(tenant), 1);
    });

    it("fit_to_balance: a call that does not fit gets a smaller max_tokens, said in x-vendo-max-tokens, and stays within the balance", async () => {
      world.sandbox.reset();
      for (const key of world.poolKeys) world.sandbox.setKeyFault(key, "tokens=16384");
      const tenant = await world.createTenant("0.001");
      const key = await world.createKey(tenant, { fitToBalance: true });
      const answer = await chat(key.plaintext, { max_tokens: 10_000 });
      for (const key of world.poolKeys) world.sandbox.setKeyFault(key, null);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const fitted = Number(answer.headers["x-vendo-max-tokens"]);
      assert.ok(fitted > 0 && fitted < 10_000, `fitted to ${fitted}`);
      await world.server.settled();
      const [served] = world.sandbox.calls({ served: true });
      assert.equal(served?.completionTokens, fitted, "the upstream was asked for the fitted max_tokens");
      const balance = await db().selectFrom("balances").selectAll().where("tenant_id", "=", tenant).executeTakeFirstOrThrow();
      assert.ok(balance.balance >= 0n);
      assert.equal(await chargesWithinHolds(tenant), 1);
    });
  });
}
