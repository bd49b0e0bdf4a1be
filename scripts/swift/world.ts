// A real Vendo for the Swift SDK's tests: a server on 127.0.0.1 with a SQLite store of its own, a
// tenant with a management key, a deployment with openrouter connected and one with nothing
// connected, all made through the control API (the harness the server's own tests use).
import { connectedDeployment, startHarness, type Harness } from "../../packages/server/test/control/support/controlHarness.ts";

/** What the Swift tests receive as VENDO_SWIFT_TEST_WORLD (Tests/VendoSDKTests/VendoServerTests.swift decodes it). */
export interface SwiftTestWorld {
  url: string;
  managementKey: string;
  connected: { id: string; token: string; apiKey: string };
  bare: { id: string; token: string; apiKey: null };
}

export interface RunningWorld {
  world: SwiftTestWorld;
  harness: Harness;
  close(): Promise<void>;
}

export async function startSwiftTestWorld(): Promise<RunningWorld> {
  const harness = await startHarness("sqlite");
  try {
    const tenant = await harness.tenant("swift-sdk");
    const connected = await connectedDeployment(harness, tenant.key, "swift-app");
    const bare = await harness.call("POST", "/api/v1/deployments", { as: tenant.key, body: { name: "swift-bare" } });
    if (bare.status !== 201) throw new Error(`deployment: ${bare.status} ${JSON.stringify(bare.body)}`);
    return {
      world: {
        url: harness.url,
        managementKey: tenant.key,
        connected,
        bare: { id: bare.body.id as string, token: bare.body.token as string, apiKey: null },
      },
      harness,
      close: () => harness.close(),
    };
  } catch (error) {
    await harness.close();
    throw error;
  }
}
