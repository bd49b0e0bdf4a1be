// Rate limits: the local buckets (rpm, tpm) as units, and the Redis failure modes with a real
// Redis behind a TCP relay the test cuts: "open" admits against the instance's own bucket,
// "closed" refuses with 503; either way the failure is counted in /metrics and nothing crashes.
import assert from "node:assert/strict";
import { createServer, connect, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { createLocalRateLimiter } from "../../src/proxy/rateLimiter.js";
import { redisSkip, redisUrl } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";

describe("local rate limiter", () => {
  it("rpm: a full bucket of rpm requests, then one more per 60/rpm seconds", () => {
    const limiter = createLocalRateLimiter();
    const key = { id: "k1", rpm: 3, tpm: null };
    const t = 1_000_000;
    assert.deepEqual([0, 1, 2].map(() => limiter.admit(key, t)), [0, 0, 0]);
    assert.equal(limiter.admit(key, t), 20, "Retry-After: 20 s until one request refills");
    assert.equal(limiter.admit(key, t + 19_500), 1, "half a second to go");
    assert.equal(limiter.admit(key, t + 20_000), 0);
  });

  it("tpm: admits while tokens remain, takes the real tokens at settlement, waits for the refill", () => {
    const limiter = createLocalRateLimiter();
    const key = { id: "k2", rpm: null, tpm: 600 };
    const t = 2_000_000;
    assert.equal(limiter.admit(key, t), 0);
    limiter.record(key, 900, t); // a call larger than the budget: 300 tokens owed
    assert.equal(limiter.admit(key, t), 31, "(1 + 300) tokens at 10 per second");
    assert.equal(limiter.admit(key, t + 30_100), 0);
  });
});

/** A TCP relay to Redis that the test can cut (every connection dropped, new ones refused). */
async function startRelay(target: URL): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server?.address() as { port: number }).port;
        resolve();
      });
    });
  const cut = async () => {
    const closing = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
    for (const s of sockets) s.destroy();
    await closing;
  };
  await listen();
  return { url: `redis://127.0.0.1:${port}`, cut, restore: listen, close: cut };
}

for (const mode of ["open", "closed"] as const) {
  describe(`Redis outage with VENDO_REDIS_FAILURE=${mode}`, { skip: redisSkip }, () => {
    let world: World;
    let relay: Awaited<ReturnType<typeof startRelay>>;
    let key: string;
    before(async () => {
      relay = await startRelay(new URL(redisUrl));
      world = await startWorld("sqlite", { server: { redisUrl: relay.url, redisFailure: mode, redisTimeoutMs: 200 } });
      const tenant = await world.createTenant("5");
      key = (await world.createKey(tenant, { rpm: 100 })).plaintext;
    });
    after(async () => {
      await world?.close();
      await relay?.close();
    });

    const keyInfo = async () => (await request(`${world.proxyBaseUrl}/key`, { headers: { authorization: `Bearer ${key}` } })).statusCode;
    const redisErrors = async () => {
      const res = await request(`${world.server.url}/metrics`, { headers: { authorization: `Bearer ${WORLD_ADMIN_TOKEN}` } });
      const text = await res.body.text();
      return Number(new RegExp(`vendo_rate_limit_redis_errors_total\\{operation="admit",mode="${mode}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };

    it(`${mode === "open" ? "admits on the local bucket" : "refuses with 503"} while Redis is down, counts it, and shares again once it is back`, async () => {
      assert.equal(await keyInfo(), 200, "through Redis");
      const before = await redisErrors();
      await relay.cut();
      const during = await Promise.all([keyInfo(), keyInfo(), keyInfo()]);
      assert.deepEqual(during, mode === "open" ? [200, 200, 200] : [503, 503, 503]);
      assert.ok((await redisErrors()) >= before + 3, "each failed Redis call is counted");
      assert.ok(world.logs.some((l) => l.includes("Redis unavailable for rate limits")), "the outage is logged");
      await relay.restore();
      // ioredis reconnects on its own (100 ms, then backing off): poll until calls go through Redis again.
      const deadline = Date.now() + 10_000;
      let throughRedis = false;
      while (!throughRedis && Date.now() < deadline) {
        const errorsBefore = await redisErrors();
        throughRedis = (await keyInfo()) === 200 && (await redisErrors()) === errorsBefore;
      }
      assert.ok(throughRedis, "calls go through Redis again once it is back");
    });
  });
}
