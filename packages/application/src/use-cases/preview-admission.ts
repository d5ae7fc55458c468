import type { PendingCursor } from '../ports/index.js';
import {
  type AdmissionDeps,
  addCounts,
  adminRule,
  admissionLimits,
  admissionRange,
  NO_COUNTS,
  previewChunk,
} from '../support/admission-chunk.js';
import type { AdmissionResult, AdmitCommand } from './admit-reservations.js';

/**
 * Admission's dry run: what {@link AdmitReservations} would answer if it ran
 * now, changing nothing. It pages through the same pending queue in the same
 * order (the store's exact cursor, `chunkSize` a page, each page a plain
 * read) and decides each page with the domain's one rule against the stored
 * loads plus what its own earlier pages admitted (kept in memory, one number
 * per slot the range holds), stopping after `maxMs` as a run does
 * (`complete: false`). It takes no lock and no key, writes nothing, and
 * counts nothing.
 */
export class PreviewAdmission {
  private readonly chunkSize: number;
  private readonly maxMs: number;

  /** @param deps.chunkSize and deps.maxMs: as the admission's */
  constructor(private readonly deps: AdmissionDeps) {
    ({ chunkSize: this.chunkSize, maxMs: this.maxMs } = admissionLimits(deps));
  }

  /** @throws ForbiddenError | ValidationError, as the admission */
  async execute(command: AdmitCommand): Promise<AdmissionResult> {
    const range = admissionRange(command, this.deps.policy);
    const { uow, clock, policy } = this.deps;
    const rule = adminRule(command.actor, command.rejectRest);
    const deadline = clock.now() + this.maxMs;
    /** People admitted so far by this dry run, per slot: what a run would have written by now. */
    const admitted = new Map<number, number>();
    let totals = NO_COUNTS;
    let after: PendingCursor | undefined;
    for (;;) {
      const chunk = await uow.read(async (stores) => {
        const page = await stores.reservations.listPending({
          overlapping: range,
          after,
          limit: this.chunkSize,
        });
        const decision = { rule, range, policy, now: clock.now() };
        const sum = addCounts(totals, await previewChunk(stores, decision, page.items, admitted));
        const result = { ...sum, complete: page.items.length < this.chunkSize };
        return { result, stop: result.complete || clock.now() >= deadline, next: page.next };
      });
      if (chunk.stop || !chunk.next) return chunk.result;
      totals = chunk.result;
      after = chunk.next;
    }
  }
}
