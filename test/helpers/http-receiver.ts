import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  path: string;
  body: any;
}

/**
 * An HTTP server on 127.0.0.1 standing in for Slack webhooks and PagerDuty: it keeps every POSTed JSON body and
 * answers as told per path — a status, or `hang` (never answers, for timeouts).
 */
export async function startHttpReceiver() {
  const received: ReceivedRequest[] = [];
  const behaviour = new Map<string, { status: number } | "hang">();
  const hanging = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      received.push({ path, body });
      const how = behaviour.get(path) ?? { status: path.startsWith("/pagerduty") ? 202 : 200 };
      if (how === "hang") return void hanging.add(res);
      res.writeHead(how.status, { "content-type": "text/plain" }).end(how.status < 300 ? "ok" : "internal_error");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    at: (path: string) => received.filter((r) => r.path === path).map((r) => r.body),
    respond(path: string, how: { status: number } | "hang") {
      behaviour.set(path, how);
    },
    /** A `slackwebhook` connection whose webhook is `path` on this server. */
    slackConnection: (path: string) => JSON.stringify({ conn_type: "slackwebhook", password: `${url}${path}`, extra: { timeout: 5 } }),
    close: () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type HttpReceiver = Awaited<ReturnType<typeof startHttpReceiver>>;
