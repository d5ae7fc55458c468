import { ApiError, createExamReservationClient, type ExamReservationClient } from '@exam-reservation/client';
import { pad2 } from './format.js';

/** The console's connection to the API that served it: same origin, token kept for the tab only. */

const TOKEN_KEY = 'exam-console-token';

/** A client for this page's own origin, with the tab's token if it has one. */
export function openClient(): ExamReservationClient {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  return createExamReservationClient({ baseUrl: window.location.origin, ...(token ? { token } : {}) });
}

/** Keeps (or, with undefined, forgets) the token for this tab: gone when the tab closes. */
export function keepToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** What an error says to an operator: the API's code and detail when it sent a problem. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.status} ${error.code}: ${error.detail}`;
  return error instanceof Error ? error.message : String(error);
}

/** Whether an error is the API refusing the account (a user, not an admin). */
export const isForbidden = (error: unknown): boolean => error instanceof ApiError && error.status === 403;

/** Whether an error is the API no longer accepting the token (expired, or the password changed). */
export const isUnauthorized = (error: unknown): boolean => error instanceof ApiError && error.status === 401;

/** Today plus `days`, as the browser's calendar date `YYYY-MM-DD`. */
export function dayFromToday(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}
