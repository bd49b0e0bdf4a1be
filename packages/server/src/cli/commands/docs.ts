// vendo docs <slug> [--domain d] [--write dir]: an integration's docs page, rendered from the catalog.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalog, CatalogError, renderDocsCommand } from "@vendo/integrations";
import type { Command } from "commander";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";

export function registerDocs(program: Command, cli: CliContext): void {
  program
    .command("docs [slug]")
    .description("Print an integration's docs page (Markdown); with --write, write <dir>/<slug>.md (every integration when no slug).")
    .option("--domain <domain>", "the proxy domain the page's URLs use (default vendo.run)")
    .option("--write <dir>", "write files instead of printing")
    .action(async (slug: string | undefined, opts: { domain?: string; write?: string }) => {
      const options = opts.domain === undefined ? {} : { domain: opts.domain };
      const render = (s: string) => {
        try {
          return renderDocsCommand(s, options);
        } catch (err) {
          if (err instanceof CatalogError) throw new CliError(err.message);
          throw err;
        }
      };
      if (opts.write === undefined) {
        if (!slug) throw new CliError(`Name an integration (one of ${[...catalog.keys()].join(", ")}), or pass --write <dir> for all.`);
        cli.out.line(render(slug).trimEnd());
        return;
      }
      mkdirSync(opts.write, { recursive: true });
      for (const s of slug ? [slug] : [...catalog.keys()]) {
        const file = join(opts.write, `${s}.md`);
        writeFileSync(file, render(s).trimEnd() + "\n");
        cli.out.line(`wrote ${file}`);
      }
    });
}
