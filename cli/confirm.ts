import { createInterface } from "node:readline/promises";
import type { CliIO } from "./command.ts";

/** Whether a person can be asked: confirmation needs a terminal on stdin. */
export const canAsk = (): boolean => Boolean(process.stdin.isTTY);

/** Asks on the terminal; true for "y" or "yes". */
export async function askYesNo(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

/**
 * Asks before changing anything unless --yes. With no terminal to ask on, refuses (exit 1) and says to pass -y.
 * Returns whether to go on.
 */
export async function confirmChange(io: CliIO, yes: boolean, intro: string, lines: readonly string[]): Promise<boolean> {
  if (yes) return true;
  io.out(intro);
  for (const line of lines) io.out(`  ${line}`);
  if (!canAsk()) {
    io.err("Refusing to go on without confirmation, and there is no terminal to ask on: pass -y (--yes) to do it.");
    return false;
  }
  if (await askYesNo("Are you sure? [y/n] ")) return true;
  io.out("Cancelled, nothing was changed.");
  return false;
}
