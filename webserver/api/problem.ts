import type { Response } from "express";

const TYPES: Record<number, string> = {
  400: "BadRequest", 401: "Unauthenticated", 403: "PermissionDenied", 404: "NotFound", 405: "MethodNotAllowed", 406: "NotAcceptable",
  409: "AlreadyExists", 413: "PayloadTooLarge", 415: "UnsupportedMediaType", 500: "Unknown",
};
const TITLES: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 409: "Conflict",
  413: "Payload Too Large", 415: "Unsupported Media Type", 500: "Internal Server Error",
};

/** An error in the REST API's problem shape (RFC 7807, as Airflow's spec defines it). */
export function problem(res: Response, status: number, detail: string): void {
  res.status(status).json({
    type: `https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html#section/Errors/${TYPES[status] ?? "Unknown"}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
  });
}
