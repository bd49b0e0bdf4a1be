// Whether a store error is a unique-index violation, on either dialect: the way to tell "someone
// inserted the same row first" (a race the caller resolves by reading that row) from a real failure.
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "23505" /* PostgreSQL unique_violation */ || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
