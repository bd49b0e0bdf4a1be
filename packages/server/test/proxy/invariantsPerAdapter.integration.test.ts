// The money invariants of docs/money.md, proved for every adapter (OpenRouter, OpenAI, Anthropic,
// Tavily) through the real proxy against the sandbox's imitation of each upstream:
// - invariant 3: calls at once on a small balance, or on a small key limit, each as dear as the
//   model allows, never take either below zero; each served call is charged the sandbox's exact
//   cost × markup, within its hold;
// - invariant 4: a request that went out and got no answer (a reset) is sent once, never to a
//   second credential; its hold stays for the reaper, the tenant is not charged for an answer it
//   never got, and reconciliation books the upstream's spend as unexplained where the upstream
//   keeps a usage record (invariant 5), or says plainly that it keeps none;
// - invariant 3 again: streams the client cuts at random points are drained and charged exactly
//   what the upstream billed, no hold left;
// - invariant 4 again: a stream the upstream breaks is charged its own record or its full usage
//   where the dialect has it, else an estimate that is never below what was billed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { bookedFor } from "../../src/ledger/reconciliation.js";
import { adapterDrivers, type AdapterDriver } from "../support/adapterDrivers.js";
import { expectedCharge } from "../support/expectedMoney.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const MARKUP_BPS = 1_000n;

for (const driver of adapterDrivers) {
  for (const { kind, skip } of storeKinds) {
    describe(`money invariants for ${driver.slug} (${kind})`, { skip }, () => {
      let world: World;
      before(async () => {
        // A short upstream timeout, and orphans expire at once when the upstream has no record.
        world = await startWorld(kind, { integrations: [driver.slug], poolKeys: driver.poolKeys, markupBps: MARKUP_BPS, server: { upstreamTimeoutMs: 1_000, orphanRecordGraceMs: 0 } });
      });
      after(() => world?.close());

      const send = (key: string, options: Parameters<AdapterDriver["call"]>[1] = {}, signal?: AbortSignal) => {
        const call = driver.call(key, options);
        return request(`${world.server.url}/proxy/${driver.slug}${call.path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...call.headers },
          body: JSON.stringify(call.body),
          ...(signal ? { signal } : {}),
        });
      };
      const call = (key: string, options: Parameters<AdapterDriver["call"]>[1] = {}) => send(key, options).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));
      const onPoolKeys = (fault: string | null) => {
        for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, fault);
      };
      const holdsOf = (tenantId: string) => world.server.store.db.selectFrom("holds").selectAll().where("tenant_id", "=", tenantId).execute();

      /** Every posted hold is the sandbox's exact cost × markup, within its hold; returns how many. */
      async function chargedWithinHolds(tenantId: string): Promise<number> {
        const served = new Map(world.sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
        let posted = 0;
        for (const hold of await holdsOf(tenantId)) {
          if (hold.status !== "posted") continue;
          posted++;
          const billed = served.get(hold.request_id);
          assert.ok(billed, `the sandbox served ${hold.request_id}`);
          assert.equal(hold.charge, expectedCharge(billed.costExact, MARKUP_BPS));
          assert.ok(hold.charge <= hold.amount, `charge ${hold.charge} within its hold ${hold.amount}`);
        }
        return posted;
      }

      it(`invariant 4: no answer after the request went out: sent once, not charged, ${driver.usageRecord ? "reconciled as unexplained spend (invariant 5)" : "and reconciliation says the upstream keeps no record"}`, async () => {
        // First in the suite: the sandbox's record of each key is still whole (a reset would clear it).
        const tenant = await world.createTenant("1");
        const key = await world.createKey(tenant, { integration: driver.slug });
        onPoolKeys("reset");
        const answer = await call(key.plaintext, { maxTokens: 50 });
        onPoolKeys(null);
        assert.equal(answer.status, 502, answer.text);
        assert.match(answer.text, /did not answer; it may still bill it/);
        const sent = world.sandbox.calls();
        assert.equal(sent.length, 1, "sent once, never to a second credential");
        assert.equal(sent[0]?.served, true, "the upstream ran it and billed it");

        await world.server.settled();
        const [pending] = await holdsOf(tenant);
        assert.deepEqual([pending?.status, Boolean(pending?.credential_id)], ["pending", true], "the hold waits for the reaper, its credential noted");
        await world.server.reap();
        assert.equal((await holdsOf(tenant))[0]?.status, "expired");
        const balance = await getBalance(world.server.store.db, tenant);
        assert.deepEqual([balance?.balance, balance?.held], [1_000_000_000n, 0n], "the tenant is not charged for an answer it never got");

        const report = (await world.server.reconcileUpstream()).filter((r) => r.integration === driver.slug);
        assert.equal(report.length, world.poolKeys.length);
        if (!driver.usageRecord) {
          assert.ok(report.every((r) => r.outcome === "no_upstream_record"), JSON.stringify(report.map((r) => r.outcome)));
          return;
        }
        assert.ok(report.every((r) => r.outcome === "booked" || r.outcome === "agreed"), JSON.stringify(report.map((r) => r.outcome)));
        const totals = world.sandbox.totals().byKey;
        const credentials = await world.server.store.db.selectFrom("pool_credentials").select(["id", "secret_enc"]).where("integration", "=", driver.slug).execute();
        for (const credential of credentials) {
          const secret = world.server.ctx.secrets.open(credential.secret_enc);
          assert.equal(await bookedFor(world.server.store, credential.id), totals[secret]?.costNanos ?? 0n, "the books equal what the upstream billed");
        }
      });

      for (const limit of ["balance", "key limit"] as const) {
        it(`invariant 3: 6 calls at once, each as dear as the model allows, on a ${limit} that holds two: never below zero`, async () => {
          world.sandbox.reset();
          if (driver.modelMax > 0) onPoolKeys(`tokens=${driver.modelMax}`);
          // Enough for two of the dearest calls and not three (a hold is the model's whole maximum).
          const probe = await world.createTenant("100");
          const probeKey = await world.createKey(probe, { integration: driver.slug });
          assert.equal((await call(probeKey.plaintext)).status, 200);
          await world.server.settled();
          const [probeHold] = await holdsOf(probe);
          assert.ok(probeHold);
          const room = probeHold.amount * 2n + probeHold.amount / 2n;
          const usd = (nanos: bigint) => `${nanos / 1_000_000_000n}.${(nanos % 1_000_000_000n).toString().padStart(9, "0")}`;
          world.sandbox.reset();

          const tenant = await world.createTenant(limit === "balance" ? usd(room) : "100");
          const key = await world.createKey(tenant, { integration: driver.slug, ...(limit === "key limit" ? { limitUsd: usd(room) } : {}) });
          const answers = await Promise.all(Array.from({ length: 6 }, () => call(key.plaintext)));
          await world.server.settled();
          onPoolKeys(null);
          const ok = answers.filter((a) => a.status === 200).length;
          assert.ok(answers.every((a) => a.status === 200 || a.status === 402), answers.map((a) => `${a.status} ${a.text.slice(0, 200)}`).join("\n"));
          assert.ok(ok >= 1 && ok <= 2, `${ok} calls fit`);
          assert.equal(world.sandbox.calls({ served: true }).length, ok, "only admitted calls reached the upstream");
          const balance = await getBalance(world.server.store.db, tenant);
          assert.ok(balance && balance.balance >= 0n && balance.held === 0n, `balance ${balance?.balance}, held ${balance?.held}`);
          if (limit === "key limit") {
            const counters = await world.server.store.db.selectFrom("key_counters").selectAll().where("key_id", "=", key.id).executeTakeFirstOrThrow();
            assert.ok(counters.usage <= room, `key usage ${counters.usage} within its limit ${room}`);
          }
          assert.equal(await chargedWithinHolds(tenant), ok);
          assert.equal((await auditLedger(world.server.store)).ok, true);
        });
      }

      it("invariant 3: streams the client cuts at random points are charged exactly what the upstream billed", { skip: driver.streams ? false : `${driver.slug} does not stream` }, async () => {
        world.sandbox.reset();
        onPoolKeys("chunk-delay=2, tokens=40");
        const tenant = await world.createTenant("10");
        const key = await world.createKey(tenant, { integration: driver.slug });
        let seed = 11;
        const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
        await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const controller = new AbortController();
            const res = await send(key.plaintext, { stream: true, maxTokens: 100, prompt: `stream ${i}` }, controller.signal);
            assert.equal(res.statusCode, 200);
            const stopAfter = Math.floor(random() * 1500);
            let seen = 0;
            try {
              for await (const chunk of res.body) {
                seen += (chunk as Buffer).length;
                if (seen >= stopAfter) {
                  controller.abort();
                  break;
                }
              }
            } catch {
              // aborted
            }
          }),
        );
        // The proxy drains each upstream to its end (≈ 40 × 2 ms), then settles.
        const deadline = Date.now() + 20_000;
        while (Date.now() < deadline) {
          await world.server.settled();
          const open = await world.server.store.db.selectFrom("holds").select("request_id").where("tenant_id", "=", tenant).where("status", "=", "pending").execute();
          if (open.length === 0 && world.sandbox.inFlight() === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        onPoolKeys(null);
        assert.equal(world.sandbox.calls({ served: true }).length, 20);
        assert.equal(await chargedWithinHolds(tenant), 20, "every stream charged exactly what the upstream billed");
        const calls = await world.server.store.db.selectFrom("calls").select(["estimated"]).where("tenant_id", "=", tenant).execute();
        assert.ok(calls.every((c) => c.estimated === 0n), "usage was read from the upstream's answer, not estimated");
        assert.equal((await getBalance(world.server.store.db, tenant))?.held, 0n);
      });

      it(`invariant 4: a stream the upstream breaks is charged ${driver.exactWhenBroken ? "exactly what it billed" : "an estimate never below what it billed"}`, { skip: driver.streams ? false : `${driver.slug} does not stream` }, async () => {
        world.sandbox.reset();
        onPoolKeys("stream-error=3");
        const tenant = await world.createTenant("1");
        const key = await world.createKey(tenant, { integration: driver.slug });
        const res = await send(key.plaintext, { stream: true, maxTokens: 100 });
        await res.body.text().catch(() => "");
        onPoolKeys(null);
        await world.server.settled();
        const [billed] = world.sandbox.calls({ served: true });
        const [hold] = await holdsOf(tenant);
        assert.ok(billed && hold && hold.status === "posted");
        const exact = expectedCharge(billed.costExact, MARKUP_BPS);
        if (driver.exactWhenBroken) assert.equal(hold.charge, exact);
        else {
          assert.ok(hold.charge >= exact && hold.charge <= hold.amount, `estimate ${hold.charge} between what was billed (${exact}) and the hold (${hold.amount})`);
          const [record] = await world.server.store.db.selectFrom("calls").select("estimated").where("tenant_id", "=", tenant).execute();
          assert.equal(record?.estimated, 1n, "the call record says it is an estimate");
        }
      });
    });
  }
}
