import type { Decided, UseCase, UseCases } from '@exam-reservation/application';
import { type Actor, assertAdmin, type DomainError, type Reservation } from '@exam-reservation/domain';
import type { IRouter, Request, Response } from 'express';
import { signedIn } from '../../auth/require-auth.js';
import type { HttpDeps } from '../../http-deps.js';
import { type HttpAnswer, onceOf, send, sendAnswer } from '../../idempotency.js';
import type { ApiDocs } from '../../openapi-parts.js';
import { parseInput } from '../../parse.js';
import { present } from '../../presenters.js';
import { PROBLEM_CONTENT_TYPE, problemOf } from '../../problem.js';
import { IdParams } from '../common-schemas.js';
import type { ScheduleAnswers } from './schedules.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A JSON answer as it is sent, and stored when the request carries an Idempotency-Key. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpAnswer {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

/** A refusal as it is sent by the error middleware, for answers that are stored. */
function refusal(error: DomainError, zone: string): HttpAnswer {
  const { status, body } = problemOf(error, zone);
  return { status, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(body) };
}

/** What the handlers of `/reservations` share. */
export interface ReservationContext {
  readonly deps: HttpDeps;
  readonly uc: UseCases;
  /** The schedule answers, shared with the schedule fast path. */
  readonly scheduleAnswers: ScheduleAnswers;
  /** The zone answers write times in. */
  readonly zone: string;
  /** A reservation as an answer. */
  show(reservation: Reservation, status?: number, headers?: Record<string, string>): HttpAnswer;
  /** The `{id}` of the path. @throws ValidationError */
  idOf(params: unknown): number;
  /** Admin-only actions refuse a user before looking at the request or anything stored. */
  admin(res: Response, action: string): Actor;
  /**
   * Answers a request with `render(value)`. With an `Idempotency-Key`, the
   * use case stores its answer (a refusal too) and that, or the one stored
   * before, is sent; without one, refusals are thrown to the error middleware.
   * @param path the route's canonical path, part of the request's fingerprint
   */
  answer<C, T>(
    req: Request,
    res: Response,
    path: string,
    render: (value: T) => HttpAnswer,
    useCase: UseCase<C, T>,
    command: C,
  ): Promise<void>;
}

/** The context of the handlers of `/reservations` over `deps`. */
export function reservationContext(deps: HttpDeps, scheduleAnswers: ScheduleAnswers): ReservationContext {
  const zone = deps.policy.timeZone;
  return {
    deps,
    uc: deps.useCases,
    scheduleAnswers,
    zone,
    show: (reservation, status = 200, headers = {}) =>
      jsonResponse(status, present.reservation(reservation, zone), headers),
    idOf: (params) => Number(parseInput(IdParams, params).id),
    admin: (res, action) => {
      const { actor } = signedIn(res);
      assertAdmin(actor, action);
      return actor;
    },
    async answer(req, res, path, render, useCase, command) {
      const once = onceOf(req, path, (decided: Decided<Parameters<typeof render>[0]>) =>
        'ok' in decided ? render(decided.ok) : refusal(decided.error, zone),
      );
      if (once) sendAnswer(res, await useCase.execute(command, once));
      else send(res, render(await useCase.execute(command)));
    },
  };
}

/** Some endpoints of `/reservations`: their handlers and their operations in the document, side by side. */
export interface ReservationEndpoints {
  /** Adds the handlers to the router mounted at `/reservations`. */
  routes(router: IRouter, context: ReservationContext): void;
  /** Registers their operations. */
  document(docs: ApiDocs): void;
}
