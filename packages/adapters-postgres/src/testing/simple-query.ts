import pg from 'pg';

/**
 * Runs one statement over the simple query protocol on a connection of its
 * own and returns its rows: for consoles that speak nothing else, such as
 * PgBouncer's admin database (`SHOW STATS`, `SHOW POOLS`).
 */
export async function simpleQuery<R>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query({ text, queryMode: 'simple' } as pg.QueryConfig)).rows as R[];
  } finally {
    await client.end();
  }
}
