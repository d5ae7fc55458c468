import type { StoredAnswer } from '../ports/index.js';
import type { OnceAnswer } from '../wrappers/idempotent.js';

/** An answer as the tests' own transport writes it down. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The tests' transport encoding of an answer: JSON. */
export const encodeAnswer = (response: TestResponse): StoredAnswer => JSON.stringify(response);

/** A keyed answer with its response decoded, as a test reads it. */
export async function keyedAnswer(
  answer: Promise<OnceAnswer<unknown>>,
): Promise<{ replayed: boolean; response: TestResponse }> {
  const { replayed, answer: stored } = await answer;
  return { replayed, response: JSON.parse(stored) as TestResponse };
}
