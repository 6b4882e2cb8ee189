import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStandalone, type Standalone } from "../../cli/standalone.ts";
import { hashPassword } from "../../webserver/auth/passwords.ts";

export const UI_DAGS = fileURLToPath(new URL("../fixtures/ui/dags", import.meta.url));

/** A standalone over a temp home and the UI fixture DAGs, with a Viewer user `viewer` / `viewer-pass`. */
export async function startUiStandalone(): Promise<Standalone & { removeHome(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), "updraft-ui-"));
  const standalone = await startStandalone({ port: 0, home, dagsFolder: UI_DAGS, parallelism: 2, dagProcessorIntervalMs: 60_000, log: () => {} });
  await standalone.db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ('viewer', 'Viewer', $1)", [await hashPassword("viewer-pass")]);
  return Object.assign(standalone, { removeHome: () => rm(home, { recursive: true, force: true }) });
}

export interface UiResponse {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

/** A browser-less UI client: keeps the session cookie, follows nothing, reads the CSRF token from the last page. */
export class UiClient {
  private cookie = "";
  csrf = "";

  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<UiResponse> {
    return this.request("GET", path);
  }

  /** A form POST; the session's CSRF token is added unless `_csrf` is given (null leaves it out). */
  async post(path: string, form: Record<string, string | null> = {}): Promise<UiResponse> {
    const fields = { _csrf: this.csrf, ...form };
    const body = new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== null));
    return this.request("POST", path, body);
  }

  async login(username: string, password: string): Promise<UiResponse> {
    await this.get("/login");
    const response = await this.post("/login", { username, password, next: "/dags" });
    // The session (and its CSRF token) is new after logging in: read the token from a page of it.
    if (response.status === 303) await this.get("/dags");
    return response;
  }

  private async request(method: string, path: string, body?: URLSearchParams): Promise<UiResponse> {
    const response = await fetch(this.baseUrl + path, { method, body, redirect: "manual", headers: this.cookie ? { cookie: this.cookie } : {} });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(";");
      if (pair.startsWith("updraft_session=")) this.cookie = pair.endsWith("=") ? "" : pair;
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text) ?? /<meta name="csrf-token" content="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1];
    return { status: response.status, location: response.headers.get("location"), text, headers: response.headers };
  }
}
