import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  parsed: ParsedMail;
  /** Envelope recipients (bcc included, unlike the headers). */
  rcptTo: string[];
  mailFrom: string;
  /** The login the client authenticated with, if any. */
  user: string | null;
  /** The session was encrypted (STARTTLS) when the message was sent. */
  secure: boolean;
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package, with its built-in self-signed certificate for STARTTLS)
 * that keeps what it receives. With `login`, AUTH is required and only that user/password is accepted.
 */
export async function startSmtpReceiver(options: { login?: { user: string; pass: string } } = {}) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: !options.login,
    // The self-signed certificate is fine for STARTTLS; AUTH over it must be allowed explicitly.
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.login && auth.username === options.login.user && auth.password === options.login.pass) return callback(null, { user: auth.username });
      callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        received.push({
          parsed,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          user: typeof session.user === "string" ? session.user : null,
          secure: session.secure,
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    /** An `AIRFLOW_CONN_…` value for this server (STARTTLS on, its self-signed certificate accepted). */
    connection(extra: Record<string, unknown> = {}): string {
      return JSON.stringify({
        conn_type: "smtp", host: "127.0.0.1", port, login: options.login?.user, password: options.login?.pass,
        extra: { ssl_context: "none", from_email: "updraft@example.com", timeout: 5, ...extra },
      });
    },
    bySubject(pattern: RegExp): ReceivedMail[] {
      return received.filter((m) => pattern.test(m.parsed.subject ?? ""));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpReceiver = Awaited<ReturnType<typeof startSmtpReceiver>>;
