// vendo dev (what `npm start` runs): a complete Vendo on one machine. The server on the embedded
// store under ./.vendo, a sandbox as the openrouter pool (or OpenRouter itself with
// OPENROUTER_POOL_KEYS), a demo tenant with credit and a connected deployment; then it prints a
// curl and a `vendo run` line that stream a reply.
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { randomBase62 } from "../../security/apiKeys.js";
import { createControlClient } from "../client.js";
import type { CliContext } from "../context.js";
import { printDevBanner } from "../dev/devBanner.js";
import { startDevUpstream } from "../dev/devUpstream.js";
import { persistedSecret } from "../dev/persistedSecret.js";
import { seedDemo, syncDevPool } from "../dev/seedDemo.js";
import { closeOnSignal } from "../shutdown.js";
import { addSettingFlags, settingFlags, startServerOrFail } from "./start.js";

export function registerDev(program: Command, cli: CliContext): void {
  const dev = program.command("dev").description("Everything on one machine: server + sandbox upstream + a demo tenant, deployment and key.");
  addSettingFlags(dev, ["port", "dataDir"]);
  dev
    .action(async (opts: { dataDir?: string } & Record<string, unknown>) => {
      const started = Date.now();
      const dataDir = resolve(opts.dataDir ?? cli.env.VENDO_DATA_DIR ?? ".vendo");
      const adminTokenFile = join(dataDir, "admin.token");
      const adminToken = cli.env.VENDO_ADMIN_TOKEN ?? persistedSecret(adminTokenFile, () => `vendo_admin_${randomBase62(32)}`);
      const progress = (what: string) => cli.out.line(cli.out.dim(`· ${what}`));

      progress("starting the upstream…");
      const upstream = await startDevUpstream(cli.env, dataDir);
      progress("starting the server…");
      const server = await startServerOrFail({
        flags: settingFlags(opts),
        env: cli.env,
        dataDir,
        adminToken,
        upstreams: upstream.upstreams,
        ...(cli.env.VENDO_LOG_LEVEL ? {} : { logLevel: "warn" }),
      }).catch(async (err: unknown) => {
        await upstream.close();
        throw err;
      });
      closeOnSignal(
        async () => {
          await server.close();
          await upstream.close();
        },
        (line) => cli.out.line(line),
      );

      progress("seeding the demo tenant…");
      const client = createControlClient({ apiUrl: server.url, bearer: adminToken, bearerKind: "admin" });
      const demo = await syncDevPool(client, upstream.poolKeys)
        .then(() => seedDemo(client))
        .catch(async (err: unknown) => {
          await server.close();
          await upstream.close();
          throw err;
        });
      printDevBanner(cli.out, {
        apiUrl: server.url,
        adminTokenFile: cli.env.VENDO_ADMIN_TOKEN ? null : adminTokenFile,
        upstream: upstream.describe,
        store: server.store.location,
        demo,
        startupMs: Date.now() - started,
      });
    });
}
