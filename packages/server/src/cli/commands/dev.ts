// vendo dev (what `npm start` runs): a complete Vendo on one machine. The server on the embedded
// store under ./.vendo, a sandbox as the pool of every integration it imitates (or the real
// upstream, for an integration whose <SLUG>_POOL_KEYS is set), a demo tenant with credit and a
// deployment connected to every integration; then it prints a curl and `vendo run` lines.
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { getIntegration, proxyHost } from "@vendo/integrations";
import { CliError } from "../cliError.js";
import { randomBase62 } from "../../security/apiKeys.js";
import { createControlClient } from "../client.js";
import type { CliContext } from "../context.js";
import { printDevBanner } from "../dev/devBanner.js";
import { DEFAULT_SANDBOX_PORT, startDevUpstream } from "../dev/devUpstream.js";
import { persistedSecret } from "../dev/persistedSecret.js";
import { DEMO_INTEGRATION, rebaselineDevSandbox, seedDemo, syncDevPool } from "../dev/seedDemo.js";
import { writeDevUpstreams } from "../storeAccess.js";
import { closeOnSignal } from "../shutdown.js";
import { addSettingFlags, settingFlags, startServerOrFail } from "./start.js";

/** Proxies answer on `<slug>-proxy.localhost:<port>` too, routed by Host as in production. */
const DEV_PROXY_DOMAIN = "localhost";

export function registerDev(program: Command, cli: CliContext): void {
  const dev = program.command("dev").description("Everything on one machine: server + sandbox upstream + a demo tenant, deployment and key.");
  addSettingFlags(dev, ["port", "dataDir"]);
  dev
    .option("--sandbox-port <n>", `port of the sandbox upstream (default $VENDO_SANDBOX_PORT or ${DEFAULT_SANDBOX_PORT}; 0 picks a free one)`, (v: string) => envPort(v, "--sandbox-port") as number)
    .action(async (opts: { dataDir?: string; sandboxPort?: number } & Record<string, unknown>) => {
      const started = Date.now();
      const dataDir = resolve(opts.dataDir ?? cli.env.VENDO_DATA_DIR ?? ".vendo");
      const adminTokenFile = join(dataDir, "admin.token");
      const adminToken = cli.env.VENDO_ADMIN_TOKEN ?? persistedSecret(adminTokenFile, () => `vendo_admin_${randomBase62(32)}`);
      const progress = (what: string) => cli.out.line(cli.out.dim(`· ${what}`));

      progress("starting the upstream…");
      const sandboxPort = opts.sandboxPort ?? envPort(cli.env.VENDO_SANDBOX_PORT, "VENDO_SANDBOX_PORT") ?? DEFAULT_SANDBOX_PORT;
      const upstream = await startDevUpstream(cli.env, dataDir, sandboxPort);
      progress("starting the server…");
      const server = await startServerOrFail({
        flags: settingFlags(opts),
        env: cli.env,
        dataDir,
        adminToken,
        upstreams: upstream.upstreams,
        // Only the sandbox gets the x-sandbox-* headers and ~fault models; a real upstream never does.
        sandboxUpstream: Object.keys(upstream.upstreams).length > 0,
        devProxyDomain: DEV_PROXY_DOMAIN,
        ...(cli.env.VENDO_LOG_LEVEL ? {} : { logLevel: "warn" }),
      }).catch(async (err: unknown) => {
        await upstream.close();
        throw err;
      });
      // `vendo audit` and `vendo reconcile` find the sandbox through the data folder (written once
      // this process owns the store: a second `vendo dev`, refused, must not repoint them).
      writeDevUpstreams(dataDir, upstream.upstreams);
      closeOnSignal(
        async () => {
          await server.close();
          await upstream.close();
        },
        (line) => cli.out.line(line),
      );

      progress("seeding the demo tenant…");
      const client = createControlClient({ apiUrl: server.url, bearer: adminToken, bearerKind: "admin" });
      const demo = await syncDevPool(client, upstream.integrations)
        // The sandbox keeps no record across restarts: its billing starts again from zero.
        .then(() => (upstream.auditUrl ? rebaselineDevSandbox(server.store) : undefined))
        // The banner means ready: the proxy holds the pool before anyone pastes the curl.
        .then(() => server.catchUp())
        .then(() => seedDemo(client, upstream.integrations.map((i) => i.slug)))
        .catch(async (err: unknown) => {
          await server.close();
          await upstream.close();
          throw err;
        });
      printDevBanner(cli.out, {
        apiUrl: server.url,
        adminTokenFile: cli.env.VENDO_ADMIN_TOKEN ? null : adminTokenFile,
        upstream: upstream.describe,
        auditUrl: upstream.auditUrl,
        hostProxyUrl: `http://${proxyHost(getIntegration(DEMO_INTEGRATION), DEV_PROXY_DOMAIN)}:${server.port}/v1`,
        store: server.store.location,
        demo,
        startupMs: Date.now() - started,
      });
    });
}

function envPort(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new CliError(`${name} expects 0-65535, got "${value}".`);
  return Number(value);
}
