// The Quickstart code blocks, line for line as the OpenRouter integration page shows them.
import { defaultProfile } from "../integration.js";
import type { Integration } from "../schema.js";
import { fence } from "./markdown.js";

export function quickstart(integration: Integration): string {
  const comment = `${integration.summary} ${defaultProfile(integration).quickstartNote}`;
  const slug = JSON.stringify(integration.slug);
  const tsVar = `${camelCase(integration.slug)}Token`;
  return [
    "### Python",
    fence("python", [
      "import vendo",
      "",
      `# ${comment}`,
      `token = vendo.token(${slug})`,
      "",
      "# Use `token` wherever you would have used the provider's API key —",
      "# pass it to the official SDK or set it as the env var the SDK reads.",
      "print(token)",
    ]),
    "### TypeScript",
    fence("typescript", [
      'import { Vendo } from "@vendodev/sdk";',
      "",
      "const vendo = new Vendo();",
      `// ${comment}`,
      `const ${tsVar} = await vendo.token(${slug});`,
      "",
      `// Use \`${tsVar}\` wherever you would have used the provider's API`,
      "// key — pass it to the official SDK or read it as the env var the SDK expects.",
      `console.log(${tsVar});`,
    ]),
    "### Swift",
    fence("swift", [
      "import VendoSDK",
      "",
      "let vendo = Vendo()",
      `// ${comment}`,
      `let token = try await vendo.token(${slug})`,
      "",
      "// Use `token` wherever you would have used the provider's API key.",
      "print(token)",
    ]),
  ].join("\n\n");
}

/** "openrouter" → "openrouter", "google-maps" → "googleMaps": a valid TypeScript identifier. */
export function camelCase(slug: string): string {
  return slug.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
