import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The application stores an Idempotency-Key answer without knowing its
 * shape: one text in the transport's own encoding. Answers stored before
 * are kept in the HTTP adapter's encoding (a JSON object of status, headers
 * and body).
 */
export const opaqueIdempotencyAnswers: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const statements = [
      sql`alter table idempotency_keys add column answer text`,
      sql`
        update idempotency_keys
          set answer = json_build_object('status', status, 'headers', headers, 'body', body)::text
          where state = 'done'
      `,
      sql`alter table idempotency_keys drop constraint idempotency_keys_done_has_answer`,
      sql`alter table idempotency_keys drop column status, drop column headers, drop column body`,
      sql`
        alter table idempotency_keys add constraint idempotency_keys_done_has_answer
          check ((state = 'done') = (answer is not null))
      `,
    ];
    for (const statement of statements) await statement.execute(db);
  },
};
