import { UpdraftError } from "../errors.ts";

/** A schedule that cannot be turned into a timetable: bad cron, unknown preset, bad timezone, non-positive interval. */
export class TimetableError extends UpdraftError {
  declare readonly code: "INVALID_SCHEDULE";
  constructor(message: string) {
    super("INVALID_SCHEDULE", message);
  }
}
