import { basename } from "node:path";
import type { ConnectionInfo } from "../../core/types.ts";
import { smtpSettings } from "./connection.ts";

export interface EmailMessage {
  to: string | readonly string[];
  cc?: string | readonly string[];
  bcc?: string | readonly string[];
  subject: string;
  /** The HTML body. A plain-text alternative is sent too when `text` is given. */
  html?: string;
  text?: string;
  /** Paths of files to attach. */
  files?: readonly string[];
  from?: string;
  customHeaders?: Record<string, string>;
}

export interface SentEmail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export function addressList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === "string" ? value.split(/[,;]/) : [...value];
  return items.map((item) => item.trim()).filter(Boolean);
}

/**
 * Sends one email through the SMTP server of `connection`. Fails (never hangs past the connection's timeout) when the
 * server is unreachable, refuses the login, or rejects every recipient.
 */
export async function sendEmail(connection: ConnectionInfo, message: EmailMessage): Promise<SentEmail> {
  const settings = smtpSettings(connection);
  const to = addressList(message.to);
  if (to.length === 0) throw new Error("The email has no recipient: give at least one address in `to`.");
  // Loaded on first send: DAG files that only declare email tasks stay cheap to import.
  const { default: nodemailer } = await import("nodemailer");
  const ms = settings.timeoutSeconds * 1000;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTLS,
    ignoreTLS: settings.ignoreTLS,
    tls: { rejectUnauthorized: settings.rejectUnauthorized },
    auth: settings.auth,
    connectionTimeout: ms,
    greetingTimeout: ms,
    socketTimeout: ms,
  });
  try {
    const info = await transport.sendMail({
      from: message.from ?? settings.from,
      to,
      cc: addressList(message.cc),
      bcc: addressList(message.bcc),
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: message.customHeaders,
      attachments: (message.files ?? []).map((path) => ({ filename: basename(path), path })),
    });
    return { messageId: info.messageId, accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = `${(error as Error).message}${code && !(error as Error).message.includes(code) ? ` [${code}]` : ""}`;
    throw new Error(`Could not send the email through ${settings.host}:${settings.port} (connection "${connection.connId}"): ${reason}`, { cause: error });
  } finally {
    transport.close();
  }
}
