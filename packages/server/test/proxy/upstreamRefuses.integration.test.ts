// Requests whose faults are the upstream's to judge (Vendo does not read these fields): the
// sandbox, like OpenRouter, refuses them with 400; Vendo passes the refusal back in OpenRouter's
// shape and charges nothing, holding nothing afterwards.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getBalance } from "../../src/ledger/accounts.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const chat = (extra: Record<string, unknown>) => JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...extra });

const cases: Array<{ name: string; body: string; message: RegExp }> = [
  { name: 'a message whose role is "wizard"', body: chat({ messages: [{ role: "wizard", content: "hi" }] }), message: /^messages\[0\]\.role: must be one of/ },
  { name: "a message whose content is the number 42", body: chat({ messages: [{ role: "user", content: 42 }] }), message: /^messages\[0\]\.content: must be a string or an array of content parts$/ },
  { name: 'temperature "hot"', body: chat({ temperature: "hot" }), message: /^temperature: Invalid input: expected number, received string$/ },
  { name: "top_p 1.5", body: chat({ top_p: 1.5 }), message: /^top_p: Too big/ },
];

for (const { kind, skip } of storeKinds) {
  describe(`the upstream's 400s pass back, charged nothing (${kind})`, { skip }, () => {
    let world: World;
    let tenant: string;
    let key: string;
    before(async () => {
      world = await startWorld(kind);
      tenant = await world.createTenant("5");
      key = (await world.createKey(tenant)).plaintext;
    });
    after(() => world?.close());

    for (const c of cases) {
      it(`${c.name} → 400 from the upstream, nothing charged`, async () => {
        world.sandbox.reset();
        const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: c.body });
        const text = await res.text();
        assert.equal(res.status, 400, text);
        const body = JSON.parse(text) as { error: { code: number; message: string } };
        assert.equal(body.error.code, 400);
        assert.match(body.error.message, c.message);
        await world.server.settled();
        const calls = world.sandbox.calls();
        assert.deepEqual(calls.map((call) => [call.served, call.status, call.httpStatus, call.costNanos]), [[false, "rejected", 400, 0n]]);
        assert.deepEqual(await getBalance(world.server.store.db, tenant), { balance: 5_000_000_000n, held: 0n, available: 5_000_000_000n });
      });
    }
  });
}
