import type { ConnectionInfo, JsonObject } from "../../core/types.ts";

/** Airflow's SMTP default (`[smtp] smtp_timeout`): a server that does not answer within it fails the send. */
const DEFAULT_TIMEOUT_SECONDS = 30;

/** What nodemailer needs to reach a server, read from an `smtp` connection (Airflow's `smtp_default`). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (SMTPS, usually port 465). */
  secure: boolean;
  /** Upgrade with STARTTLS and refuse to send in clear text when the server does not offer it. */
  requireTLS: boolean;
  ignoreTLS: boolean;
  rejectUnauthorized: boolean;
  auth: { user: string; pass: string } | undefined;
  from: string;
  timeoutSeconds: number;
}

function flag(extra: JsonObject, name: string, inverse: string, fallback: boolean): boolean {
  const read = (value: unknown) => (typeof value === "string" ? !["false", "0", "no", ""].includes(value.toLowerCase()) : Boolean(value));
  if (extra[name] !== undefined) return read(extra[name]);
  if (extra[inverse] !== undefined) return !read(extra[inverse]);
  return fallback;
}

/**
 * Extra fields, as Airflow's: `ssl` (or the provider's `disable_ssl`), `starttls` (or `disable_tls`), `from_email`,
 * `timeout` (seconds), `ssl_context` ("none" accepts any certificate, e.g. a test server's self-signed one).
 * STARTTLS is on by default, as Airflow's `smtp_starttls`; SSL is off, as `smtp_ssl`.
 */
export function smtpSettings(connection: ConnectionInfo): SmtpSettings {
  if (!connection.host) {
    throw new Error(`Connection "${connection.connId}" has no host: set the SMTP server's host (and port) on it.`);
  }
  const extra = connection.extra ?? {};
  const secure = flag(extra, "ssl", "disable_ssl", false);
  const starttls = !secure && flag(extra, "starttls", "disable_tls", true);
  const timeout = Number(extra.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new Error(`Connection "${connection.connId}" has extra "timeout": ${JSON.stringify(extra.timeout)}; give a number of seconds > 0.`);
  }
  const from = String(extra.from_email ?? process.env.UPDRAFT_EMAIL_FROM ?? process.env.AIRFLOW__EMAIL__FROM_EMAIL ?? connection.login ?? "updraft@localhost");
  return {
    host: connection.host,
    port: connection.port ?? (secure ? 465 : 25),
    secure,
    requireTLS: starttls,
    ignoreTLS: !secure && !starttls,
    rejectUnauthorized: String(extra.ssl_context ?? "default").toLowerCase() !== "none",
    auth: connection.login ? { user: connection.login, pass: connection.password ?? "" } : undefined,
    from,
    timeoutSeconds: timeout,
  };
}

/** The connection email_on_failure and the notifiers use unless told otherwise (Airflow's `[email] email_conn_id`). */
export function defaultSmtpConnId(): string {
  return process.env.UPDRAFT_EMAIL_CONN_ID ?? process.env.AIRFLOW__EMAIL__EMAIL_CONN_ID ?? "smtp_default";
}
