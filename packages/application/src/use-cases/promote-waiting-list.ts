import type { Metrics } from '../ports/index.js';
import { type AdmissionDeps, admissionLimits, WAITING_LIST_RULE } from '../support/admission-chunk.js';
import { type WalkHold, walkAdmission } from '../support/admission-walk.js';
import { type MergedRoom, mergeRooms } from '../support/freed-rooms.js';

/** What one promotion step did. */
export interface PromotionResult {
  /** Merged rooms walked. */
  readonly rooms: number;
  readonly confirmed: number;
  readonly leftPending: number;
}

/** Settings of {@link PromoteWaitingList}. */
export interface PromoteWaitingListDeps extends AdmissionDeps {
  readonly metrics?: Metrics | undefined;
  /** How long a claim holds its requests unless renewed (default 10 s): after a crash, the wait. */
  readonly leaseMs?: number | undefined;
  /** Requests one step claims (default 1,000). */
  readonly claimLimit?: number | undefined;
  // chunkSize: 100 by default here; maxMs: how long one room's walk goes on before it is cut and
  // queued again from there, a quarter of the lease by default.
}

let claims = 0;

/**
 * The waiting list's promotion step: claims the due requests of freed room
 * (under a lease, skipping any room another process holds), merges those
 * that overlap or touch, and admits each merged room's pending reservations
 * in creation order by the domain's one admission rule, as the system
 * (reason "waiting list"). A room's requests are finished in the unit of
 * work of its last chunk; a walk cut short queues the rest from where it
 * stopped; a failed walk gives its claim up at once.
 */
export class PromoteWaitingList {
  private readonly leaseMs: number;
  private readonly claimLimit: number;
  private readonly limits: { chunkSize: number; maxMs: number };

  constructor(private readonly deps: PromoteWaitingListDeps) {
    this.leaseMs = deps.leaseMs ?? 10_000;
    this.claimLimit = deps.claimLimit ?? 1_000;
    // Small chunks: fewer pending rows locked at once beside the admins' confirmations; a walk
    // usually ends in its first chunk anyway, once the freed room is full again.
    this.limits = admissionLimits({
      chunkSize: deps.chunkSize ?? 100,
      maxMs: deps.maxMs ?? this.leaseMs / 4,
    });
  }

  async execute(): Promise<PromotionResult> {
    const { uow, clock } = this.deps;
    const token = `${++claims}-${Math.random().toString(36).slice(2, 12)}`;
    const claimed = await uow.run((stores) =>
      stores.admissionRequests.claim({
        now: clock.now(),
        leaseMs: this.leaseMs,
        limit: this.claimLimit,
        token,
      }),
    );
    const rooms = mergeRooms(claimed);
    // Gives up the claim of the rooms not walked at once, not after its lease: another run may take them.
    const release = (from: number) =>
      uow.run((s) =>
        s.admissionRequests.renew(
          rooms.slice(from).flatMap((r) => r.ids),
          token,
          clock.now(),
        ),
      );
    // Rooms claimed together share one lease: past half of it, the rest is left to the next step.
    const stopAt = clock.now() + this.leaseMs / 2;
    let result: PromotionResult = { rooms: 0, confirmed: 0, leftPending: 0 };
    for (const [i, room] of rooms.entries()) {
      if (clock.now() >= stopAt) {
        await release(i);
        break;
      }
      const walked = await this.walk(room, token).catch(async (error: unknown) => {
        await release(i).catch(() => undefined);
        throw error;
      });
      result = {
        rooms: result.rooms + 1,
        confirmed: result.confirmed + walked.confirmed,
        leftPending: result.leftPending + walked.leftPending,
      };
    }
    return result;
  }

  private async walk(room: MergedRoom, token: string) {
    const { clock, metrics } = this.deps;
    const { ids, range, freedAt } = room;
    const hold: WalkHold = {
      renew: (stores) => stores.admissionRequests.renew(ids, token, clock.now() + this.leaseMs),
      finish: (stores) => stores.admissionRequests.finish(ids, token),
      cut: (stores, after) => stores.admissionRequests.finish(ids, token, { range, freedAt, after }),
      committed: (confirmed, at) => {
        if (confirmed > 0) metrics?.waitingListPromotion(confirmed, (at - freedAt) / 1000);
      },
    };
    const walk = { range, rule: WAITING_LIST_RULE, after: room.after ?? undefined, holdLoads: true };
    return walkAdmission({ ...this.deps, ...this.limits }, walk, hold);
  }
}
