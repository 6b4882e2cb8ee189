/** An HTTP response with its body read: what response checks, filters and pagination functions receive. */
export class HttpResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
    readonly text: string,
  ) {}

  get ok(): boolean {
    return this.status < 400;
  }

  /** The body as JSON (Airflow's `response.json()`); throws with the start of the body when it is not JSON. */
  json<T = any>(): T {
    try {
      return JSON.parse(this.text) as T;
    } catch {
      throw new Error(`The response of ${this.url} (HTTP ${this.status}) is not JSON: ${this.text.slice(0, 200)}`);
    }
  }
}

/** A response with status ≥ 400 after any retries. The message starts with the status, as Airflow's does. */
export class HttpError extends Error {
  constructor(readonly response: HttpResponse) {
    super(`${response.status}:${response.statusText} — ${response.url} answered: ${response.text.slice(0, 500)}`);
    this.name = "HttpError";
  }
}
