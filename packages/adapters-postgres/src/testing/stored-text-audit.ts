import { type Kysely, sql } from 'kysely';

/** A stored value that no client can have sent as it is. */
export interface StoredTextFinding {
  readonly table: string;
  readonly column: string;
  readonly problem: 'replacement character' | 'control character';
  /** Around the first offence in each of the first offending values, JSON-escaped so invisible characters show. */
  readonly samples: readonly string[];
  readonly rows: number;
}

/**
 * Looks through every text and JSON column of every table in the current
 * schema (tables added by later migrations included) for U+FFFD, the mark a
 * decoder leaves where it replaced a lone surrogate or invalid UTF-8, and
 * through every column whose name ends in `name` for control characters
 * (U+0000–U+001F, U+007F–U+009F), which the HTTP contract refuses in names.
 * A client that never sends U+FFFD can then prove nothing it sent was
 * silently altered on the way in. Kysely's own migration tables are skipped.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema will do; only information_schema is read by name
export async function auditStoredText(db: Kysely<any>): Promise<StoredTextFinding[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select c.table_name, c.column_name, c.data_type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema()
      and t.table_type = 'BASE TABLE'
      and c.table_name not like 'kysely\\_%'
      and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb')
    order by c.table_name, c.ordinal_position
  `.execute(db);
  const findings: StoredTextFinding[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const value = sql`${sql.ref(`${table}.${column}`)}::text`;
    const checks: [StoredTextFinding['problem'], ReturnType<typeof sql>, RegExp][] = [
      ['replacement character', sql`strpos(${value}, ${'\uFFFD'}) > 0`, /\uFFFD/],
    ];
    if (column.endsWith('name')) {
      checks.push([
        'control character',
        sql`${value} ~ ${'[\\u0001-\\u001f\\u007f-\\u009f]'}`,
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
        /[\u0001-\u001f\u007f-\u009f]/,
      ]);
    }
    for (const [problem, condition, pattern] of checks) {
      const { rows } = await sql<{ v: string; n: number }>`
        select ${value} as v, count(*) over ()::int as n
        from ${sql.table(table)} where ${condition} limit 5
      `.execute(db);
      if (rows.length > 0) {
        findings.push({
          table,
          column,
          problem,
          samples: rows.map((r) => {
            const at = Math.max(0, r.v.search(pattern) - 40);
            return JSON.stringify(r.v.slice(at, at + 80));
          }),
          rows: rows[0]!.n,
        });
      }
    }
  }
  return findings;
}
