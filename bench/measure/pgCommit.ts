// The floor under every PostgreSQL figure: how long one durable commit takes on this machine. A
// client updates one row in its own transaction, sequentially; each COMMIT waits for the WAL
// flush (synchronous_commit as the server is configured), as a ledger batch's commit does.
import pg from "pg";
import { percentileSorted } from "../stats.ts";

export interface CommitTimes {
  /** BEGIN; UPDATE one row; COMMIT, microseconds. */
  p50Us: number;
  p99Us: number;
  synchronousCommit: string;
}

export async function pgCommitLatency(databaseUrl: string, schema: string, samples: number): Promise<CommitTimes> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const table = `${schema}.bench_commit_probe`;
  try {
    const setting = await client.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
    await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY, n bigint NOT NULL)`);
    await client.query(`INSERT INTO ${table} VALUES (1, 0)`);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const start = process.hrtime.bigint();
      await client.query("BEGIN");
      await client.query(`UPDATE ${table} SET n = n + 1 WHERE id = 1`);
      await client.query("COMMIT");
      times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    times.sort((a, b) => a - b);
    return { p50Us: percentileSorted(times, 50), p99Us: percentileSorted(times, 99), synchronousCommit: setting.rows[0]?.synchronous_commit ?? "unknown" };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await client.end();
  }
}
