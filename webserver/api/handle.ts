import type { NextFunction, Request, Response } from "express";
import { parseDate } from "../../core/dates.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { problem } from "./problem.ts";

/** An async route: a `RequestError` becomes its problem response (400/404/409); anything else goes to the 500 handler. */
export const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
  void fn(req, res).catch((error: unknown) => {
    if (error instanceof RequestError) problem(res, error.status, error.message);
    else next(error);
  });

/** The authenticated user (set by basic auth), for the event log. */
export const userOf = (res: Response): string => (res.locals.user as { username: string }).username;

/** A path parameter (Express 5 types them loosely). */
export const pathParam = (req: Request, name: string): string => String(req.params[name]);

/** An optional date from a body or query field; a malformed one is a 400 naming the field. */
export function dateField(value: unknown, name: string): Date | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string") throw new RequestError(400, `${name} must be a date-time string, e.g. 2024-01-01T00:00:00+00:00.`);
  try {
    return parseDate(value, name);
  } catch (error) {
    throw new RequestError(400, (error as Error).message);
  }
}

/** An optional boolean body field with its default; anything but true/false is a 400. */
export function booleanField(body: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") throw new RequestError(400, `${name} must be true or false.`);
  return value;
}
