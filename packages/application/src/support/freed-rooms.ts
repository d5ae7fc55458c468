import { coverRanges, freedRange, joinFreedRooms, type SlotGrid } from '@exam-reservation/domain';
import type {
  FreedRoom,
  ReservationEvent,
  ReservationEvents,
  TransactionStores,
  UnitOfWork,
} from '../ports/index.js';

/** Freed rooms merged: those that overlap or touch become one, over both, from the earlier change. */
export interface MergedRoom extends FreedRoom {
  /** The requests it is made of. */
  readonly ids: readonly number[];
}

/**
 * Merges rooms that overlap or touch (many frees in one rush become one run
 * over their cover), each from its earliest `freedAt`. A merged room keeps a
 * cut-short walk's place in the queue only when it is that walk alone: any
 * fresh room in it may have let the first in line fit.
 */
export function mergeRooms(rooms: readonly (FreedRoom & { readonly id?: number })[]): MergedRoom[] {
  return joinFreedRooms(
    rooms.map(
      (room): MergedRoom => ({
        range: room.range,
        freedAt: room.freedAt,
        after: room.after ?? null,
        ids: room.id === undefined ? [] : [room.id],
      }),
    ),
    (earlier, later) => ({
      range: coverRanges(earlier.range, later.range),
      freedAt: Math.min(earlier.freedAt, later.freedAt),
      after: null,
      ids: [...earlier.ids, ...later.ids],
    }),
  );
}

/** The rooms a list of recorded changes frees, merged. */
function roomsFreedBy(events: readonly ReservationEvent[], grid: SlotGrid): FreedRoom[] {
  const rooms = events.flatMap((e) => {
    const range = freedRange(e.before, e.after, grid);
    return range ? [{ range, freedAt: e.at }] : [];
  });
  return mergeRooms(rooms).map(({ range, freedAt }) => ({ range, freedAt }));
}

/**
 * The stores of a unit of work whose audit trail also queues, in the same
 * unit, the room each change frees. Every change of a reservation is
 * recorded as an event with its before and after, so no action can free
 * room without the waiting list hearing of it.
 */
function queueingFreedRoom(stores: TransactionStores, grid: SlotGrid): TransactionStores {
  const events = stores.events;
  const queue = async (list: readonly ReservationEvent[]) => {
    const rooms = roomsFreedBy(list, grid);
    if (rooms.length > 0) await stores.admissionRequests.record(rooms);
  };
  const queued: ReservationEvents = {
    append: async (event) => {
      await events.append(event);
      await queue([event]);
    },
    appendAll: async (list) => {
      await events.appendAll(list);
      await queue(list);
    },
    listFor: (id) => events.listFor(id),
    pageFor: (id, page) => events.pageFor(id, page),
    countUserUpdates: (id, userId) => events.countUserUpdates(id, userId),
  };
  return { ...stores, events: queued };
}

/** Units of work in which every change that frees room queues it for the waiting list. */
export function queueingFreedRooms(uow: UnitOfWork, grid: SlotGrid): UnitOfWork {
  return {
    run: (work) => uow.run((stores) => work(queueingFreedRoom(stores, grid))),
    read: (work) => uow.read(work),
  };
}
