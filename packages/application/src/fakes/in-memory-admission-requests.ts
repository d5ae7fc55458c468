import type { AdmissionClaim, AdmissionRequests, ClaimedAdmission, FreedRoom } from '../ports/index.js';
import type { State, StoredAdmissionRequest } from './in-memory-state.js';

const touches = (a: FreedRoom, b: FreedRoom): boolean =>
  a.range.start <= b.range.end && b.range.start <= a.range.end;

/** The waiting list's queue in memory (units of work run one at a time, so a claim is one step). */
export class InMemoryAdmissionRequests implements AdmissionRequests {
  constructor(private readonly state: State) {}

  async record(rooms: readonly FreedRoom[]): Promise<void> {
    for (const room of rooms) {
      const id = this.state.nextAdmissionRequestId++;
      this.state.admissionRequests.set(id, {
        id,
        range: room.range,
        freedAt: room.freedAt,
        after: room.after ?? null,
        claimedUntil: null,
        claimedBy: null,
      });
    }
  }

  async claim({ now, leaseMs, limit, token }: AdmissionClaim): Promise<ClaimedAdmission[]> {
    const all = [...this.state.admissionRequests.values()];
    const held = all.filter((r) => r.claimedUntil !== null && r.claimedUntil > now);
    const free = all
      .filter((r) => r.freedAt <= now && !held.includes(r) && !held.some((h) => touches(h, r)))
      .sort((a, b) => a.freedAt - b.freedAt || a.id - b.id)
      .slice(0, Math.max(0, limit));
    for (const r of free) {
      this.state.admissionRequests.set(r.id, { ...r, claimedUntil: now + leaseMs, claimedBy: token });
    }
    return free.map(({ id, range, freedAt, after }) => ({ id, range, freedAt, after: after ?? null }));
  }

  async renew(ids: readonly number[], token: string, until: number): Promise<void> {
    for (const r of this.held(ids, token)) {
      this.state.admissionRequests.set(r.id, { ...r, claimedUntil: until });
    }
  }

  async finish(ids: readonly number[], token: string, rest?: FreedRoom): Promise<void> {
    const held = this.held(ids, token);
    for (const r of held) this.state.admissionRequests.delete(r.id);
    if (rest && held.length > 0) await this.record([rest]);
  }

  private held(ids: readonly number[], token: string): StoredAdmissionRequest[] {
    return ids.flatMap((id) => {
      const r = this.state.admissionRequests.get(id);
      return r?.claimedBy === token ? [r] : [];
    });
  }
}
