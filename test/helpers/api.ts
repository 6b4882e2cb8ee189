import { join } from "node:path";
import express from "express";
import { expect } from "vitest";
import { DagBag } from "../../core/dagbag/dagbag.ts";
import type { LogPathFor } from "../../core/runs/task-log.ts";
import type { Database } from "../../core/store/database.ts";
import { listen, type RunningServer } from "../../webserver/app.ts";
import { matchOperation, responseValidator, describeErrors } from "../../webserver/api/openapi.ts";
import { restApiRouter } from "../../webserver/api/router.ts";
import { hashPassword } from "../../webserver/auth/passwords.ts";
import { REPO_ROOT } from "./cli.ts";
import { storeDags } from "./store-dags.ts";

export const API_DAGS_FILE = join(REPO_ROOT, "test", "fixtures", "api", "dags", "api_dags.ts");

/** One user per role, each with the password "<username>-pw". `public` has the Public role. */
export const USERS = { admin: "Admin", op: "Op", user: "User", viewer: "Viewer", public: "Public" } as const;
export type TestUser = keyof typeof USERS;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface ApiServer {
  url: string;
  db: Database;
  /** How many times the API told the scheduler something changed. */
  changes: string[];
  /**
   * Calls the API as `as` (default admin; null = no credentials). A JSON answer is validated against the spec's schema
   * for that operation and status: a non-conforming answer fails the test.
   */
  call<T = any>(method: string, path: string, options?: { body?: unknown; rawBody?: string; as?: TestUser | null; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** Stores the API test DAGs (api_etl, api_shared, api_secret) as the DAG processor would. */
export async function storeApiDags(db: Database): Promise<void> {
  const bag = new DagBag(join(REPO_ROOT, "test", "fixtures", "api", "dags"));
  await bag.loadFile(API_DAGS_FILE);
  expect(bag.importErrors).toEqual([]);
  await storeDags(db, ["api_etl", "api_shared", "api_secret"].map((id) => bag.getDag(id)), { paused: true });
}

export async function createUsers(db: Database): Promise<void> {
  for (const [username, role] of Object.entries(USERS)) {
    await db.query(
      "INSERT INTO ab_user (username, role, email, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
      [username, role, `${username}@example.com`, await hashPassword(`${username}-pw`)],
    );
  }
}

/** The REST API over `db` on a free port, as `updraft standalone` mounts it. */
export async function startApi(db: Database, options: { logPathFor?: LogPathFor } = {}): Promise<ApiServer> {
  const changes: string[] = [];
  const app = express();
  app.use("/api/v1", restApiRouter(db, { onChange: (key) => changes.push(key ?? "") }, { logPathFor: options.logPathFor }));
  const server: RunningServer = await listen(app, 0);
  return {
    url: server.url,
    db,
    changes,
    async call(method, path, options = {}) {
      const as = options.as === undefined ? "admin" : options.as;
      const headers: Record<string, string> = { accept: "application/json", ...options.headers };
      if (as) headers.authorization = `Basic ${Buffer.from(`${as}:${as}-pw`).toString("base64")}`;
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
      const response = await fetch(`${server.url}/api/v1${path}`, { method, headers, body });
      const text = await response.text();
      const isJson = (response.headers.get("content-type") ?? "").includes("json");
      const parsed = isJson && text ? JSON.parse(text) : text;
      if (isJson) assertConforms(method, path, response.status, parsed);
      return { status: response.status, body: parsed, text, headers: response.headers };
    },
    close: () => server.close(),
  };
}

/** Fails unless `body` is what the spec says this operation answers with this status. */
export function assertConforms(method: string, path: string, status: number, body: unknown): void {
  const pathOnly = path.split("?")[0];
  const op = matchOperation(method, pathOnly);
  if (!op) {
    if (status >= 400) return; // An endpoint the spec does not have: only its problem shape is checked by the caller.
    if (pathOnly === "/backfills") return; // Updraft's addition (Airflow 3's shape).
    throw new Error(`${method} ${pathOnly} matches no operation of airflow-v1.yaml.`);
  }
  const validate = responseValidator(op, status);
  if (!validate) {
    if (status === 204) return;
    throw new Error(`${op.operationId} answered ${status}, which the spec does not list for it. Body: ${JSON.stringify(body).slice(0, 500)}`);
  }
  if (!validate(body)) {
    throw new Error(`${op.operationId} ${status} does not conform to the spec: ${describeErrors(validate.errors, "body")}\n${JSON.stringify(body).slice(0, 800)}`);
  }
}

/** The problem shape every error answer has. */
export function expectProblem(response: ApiResponse, status: number, detail?: RegExp): void {
  expect(response.status, response.text).toBe(status);
  expect(response.body).toMatchObject({ status, title: expect.any(String), type: expect.stringContaining("#section/Errors/") });
  if (detail) expect(response.body.detail).toMatch(detail);
}
