// vendo secrets generate|rotate: the key that seals credentials at rest (VENDO_SECRET_KEY).
// `rotate` works on the store directly (DATABASE_URL or the SQLite file), like `vendo audit`.
import type { Command } from "commander";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";

export function registerSecrets(program: Command, cli: CliContext): void {
  const secrets = program.command("secrets").description("The key that seals upstream credentials and deployment keys at rest.");

  secrets
    .command("generate")
    .description("Print a new random VENDO_SECRET_KEY (64 hex characters).")
    .action(async () => {
      const { generateSecretKey } = await import("../../security/secretBox.js");
      cli.out.line(generateSecretKey());
    });

  secrets
    .command("rotate")
    .description(
      "Re-seal every stored secret with VENDO_SECRET_KEY, opening each with VENDO_SECRET_KEY or VENDO_SECRET_KEY_PREVIOUS. Safe while instances run; see docs/configuration.md for the order of steps.",
    )
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const [{ resolveConfig }, { openStore }, { createSecretBox }, { rotateSecrets }] = await Promise.all([
        import("../../config.js"),
        import("../../store/db.js"),
        import("../../security/secretBox.js"),
        import("../../security/rotateSecrets.js"),
      ]);
      if (!cli.env.VENDO_SECRET_KEY) throw new CliError("VENDO_SECRET_KEY must be set to the new key (and VENDO_SECRET_KEY_PREVIOUS to the old one).");
      let config;
      try {
        config = resolveConfig({ env: cli.env });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema }).catch((err: Error) => {
        throw new CliError(`Cannot open the store: ${err.message.split("\n")[0]}`);
      });
      try {
        const box = createSecretBox(config.secretKey, config.secretKeyPrevious);
        const report = await rotateSecrets(store, box);
        if (opts.json) cli.out.json({ key_id: box.keyId, ...report });
        else {
          cli.out.table(
            report.columns.map((c) => ({ column: c.column, resealed: c.resealed, current: c.current, unreadable: c.unreadable.length })),
            ["column", "resealed", "current", "unreadable"],
          );
        }
        if (report.unreadable > 0) {
          throw new CliError(`${report.unreadable} stored secrets open with none of the given keys: add the key that sealed them to VENDO_SECRET_KEY_PREVIOUS and run again.`);
        }
        if (!opts.json) cli.out.line(cli.out.green(`Every stored secret is sealed with key ${box.keyId} (${report.resealed} re-sealed, ${store.location}).`));
      } finally {
        await store.close();
      }
    });
}
