import { UpdraftError } from "../errors.ts";

/**
 * A request about DAGs, runs or task instances that cannot be done as asked: an unknown id, a bad argument, a run that
 * exists already. `status` is what the REST API answers (400, 404 or 409, Airflow's problem types); the CLI prints the
 * message, which says what to do.
 */
export class RequestError extends UpdraftError {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    code: string = status === 404 ? "NOT_FOUND" : status === 409 ? "ALREADY_EXISTS" : "INVALID_REQUEST",
  ) {
    super(code, message);
  }
}
