// Renders env vars as dotenv, shell exports or JSON, quoting values so they survive a round trip.
export type EnvFormat = "dotenv" | "shell" | "json";
export const ENV_FORMATS: readonly EnvFormat[] = ["dotenv", "shell", "json"];

export function formatEnv(vars: ReadonlyArray<{ name: string; value: string }>, format: EnvFormat): string {
  if (format === "json") return JSON.stringify(Object.fromEntries(vars.map((v) => [v.name, v.value])), null, 2);
  const quote = format === "shell" ? shellQuote : dotenvQuote;
  const prefix = format === "shell" ? "export " : "";
  return vars.map((v) => `${prefix}${v.name}=${quote(v.value)}`).join("\n");
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./…-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function dotenvQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./…-]*$/.test(value) ? value : JSON.stringify(value);
}
