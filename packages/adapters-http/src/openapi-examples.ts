import { type BookingPolicy, bookableFrom, formatInstant, parseRequestTime } from '@exam-reservation/domain';
import type { oas31 } from 'openapi3-ts';

/**
 * Request values that are valid when sent as they are: times on the first
 * bookable day at `now`, so that Swagger UI's "Try it out" succeeds unchanged.
 */
export function requestExamples(policy: BookingPolicy, now: number) {
  const zone = policy.timeZone;
  const day = formatInstant(bookableFrom(policy, now), zone).slice(0, 10);
  const local = (time: string) => `${day} ${time}`;
  const offset = (time: string) => formatInstant(parseRequestTime(local(time), zone, 'example'), zone);
  return {
    day,
    start: [local('09:00'), offset('09:00')],
    end: [local('11:00'), offset('11:00')],
    create: { reservation_name: 'TOEIC', start: local('09:00'), end: local('11:00'), number_of_people: 120 },
    update: { start: local('10:00'), end: local('12:00') },
    // Ids as a newcomer's first two bookings get them: the first confirmed, the second rejected.
    reject: { reason: 'the room is full' },
    bulkConfirm: { ids: [1] },
    bulkReject: { ids: [2], reason: 'the room is full' },
    // A dry run: "Try it out" shows what admission would do and changes nothing.
    admit: { start: day, end: day, reject_rest: false, dry_run: true },
  };
}

/** The request examples of one document. */
export type RequestExamples = ReturnType<typeof requestExamples>;

/** A time as answers write it: date, time to the second, and the zone's offset (`…T09:00:00+09:00`). */
const ANSWER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

/**
 * Dates the examples the zod schemas cannot know (they are built once, and
 * the first bookable day moves on): date query parameters, and the time
 * fields of the request bodies.
 */
export function dateExamples(document: oas31.OpenAPIObject, examples: RequestExamples): oas31.OpenAPIObject {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of [item.get, item.post, item.patch, item.delete]) {
      for (const parameter of (operation?.parameters ?? []) as oas31.ParameterObject[]) {
        if (parameter.in !== 'query' || (parameter.name !== 'start' && parameter.name !== 'end')) continue;
        parameter.example = examples.day;
        if (parameter.schema && !('$ref' in parameter.schema)) parameter.schema.example = examples.day;
      }
    }
  }
  for (const name of ['CreateReservationRequest', 'UpdateReservationRequest']) {
    const schema = document.components?.schemas?.[name] as oas31.SchemaObject | undefined;
    for (const field of ['start', 'end'] as const) {
      const property = schema?.properties?.[field] as oas31.SchemaObject | undefined;
      if (property) property.examples = examples[field];
    }
  }
  // Times in answers: the same day, with the zone's own offset.
  for (const schema of Object.values(document.components?.schemas ?? {}) as oas31.SchemaObject[]) {
    for (const [field, property] of Object.entries(schema.properties ?? {}) as [
      string,
      oas31.SchemaObject,
    ][]) {
      if (typeof property.example !== 'string' || !ANSWER_TIME.test(property.example)) continue;
      property.example = field.startsWith('end') ? examples.end[1] : examples.start[1];
    }
  }
  return document;
}
