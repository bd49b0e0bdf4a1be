// The "Clients that need the base URL" section: each client of the catalog's `clients` list, with
// what goes wrong without the documented form and the form itself, as the page and `vendo run` say it.
import type { ClientNote, Integration } from "../schema.js";
import { code, fence } from "./markdown.js";

export const CLIENTS_HEADING = "Clients that need the base URL";

const LANGUAGE_NAMES: Record<ClientNote["language"], string> = { typescript: "TypeScript", python: "Python" };

/** The section's body, or null when every client the integration knows reads the env vars itself. */
export function clientNotes(integration: Integration): string | null {
  if (integration.clients.length === 0) return null;
  const intro =
    `Most clients read the injected variables by themselves. These do not: pass the base URL as shown, ` +
    `or calls go to ${integration.name} directly with a key it does not know.`;
  return [intro, ...integration.clients.flatMap((c) => [`### ${code(c.package)} (${LANGUAGE_NAMES[c.language]})`, c.note, fence(c.language, c.example)])].join("\n\n");
}

/** One line per client for a terminal (`vendo run`): the package, and the line that matters. */
export function clientHints(integration: Integration): string[] {
  return integration.clients.map((c) => {
    const key = c.example.find((line) => line.includes(integration.envVars.find((v) => v.source === "proxy_base_url")?.name ?? "\0")) ?? c.example.join(" ");
    return `with ${c.package}, pass the base URL: ${key.trim()}`;
  });
}
