import type { ExamReservationClient } from '@exam-reservation/client';

/** The date range the console looks at: the heat map, the queue, the admission and the export share it. */
export interface DateRange {
  readonly start: string;
  readonly end: string;
}

/** What every section is given. */
export interface ConsoleContext {
  readonly client: ExamReservationClient;
  readonly range: DateRange;
  /**
   * Reports a failed call: a 403 or 401 ends the session's view of the data
   * (the API decides who is an admin); anything else comes back as a message
   * for the section to show.
   */
  readonly fail: (error: unknown) => string;
}
