import type { Request } from "express";
import { RequestError } from "../../core/runs/request-error.ts";

/** Reads of a posted form (urlencoded: every field a string, an unchecked checkbox absent). */
export const bodyOf = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
export const flag = (body: Record<string, unknown>, name: string) => body[name] === "true" || body[name] === "on";
export const text = (body: Record<string, unknown>, name: string) => (typeof body[name] === "string" ? (body[name] as string).trim() : "");
/** A field as typed, spaces kept (variable values, passwords, JSON). */
export const raw = (body: Record<string, unknown>, name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");

/**
 * Runs a form's change; a refusal (a RequestError other than 404: bad input 400, a duplicate 409) shows the form again
 * through `reshow`, filled in as it was, with what is wrong. The change runs in one transaction, so nothing is kept.
 */
export async function changeOrReshow(change: () => Promise<void>, reshow: (message: string, status: number) => void): Promise<void> {
  try {
    await change();
  } catch (error) {
    if (error instanceof RequestError && error.status !== 404) return reshow(error.message, error.status);
    throw error;
  }
}
