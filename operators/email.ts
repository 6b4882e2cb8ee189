import { BaseOperator, requireArgument, type TaskOptions } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";
import { runtimeOf } from "../core/runtime.ts";
import { addressList, sendEmail, type SentEmail } from "../providers/smtp/send-email.ts";
import { defaultSmtpConnId } from "../providers/smtp/connection.ts";

export interface EmailOperatorOptions extends TaskOptions {
  to: string | readonly string[];
  subject: string;
  htmlContent: string;
  /** A plain-text alternative body. */
  textContent?: string;
  cc?: string | readonly string[];
  bcc?: string | readonly string[];
  /** Paths of files to attach. */
  files?: readonly string[];
  from?: string;
  customHeaders?: Record<string, string>;
  /** The SMTP connection (Airflow's `conn_id`); `smtp_default` unless UPDRAFT_EMAIL_CONN_ID says otherwise. */
  connId?: string;
}

/**
 * Airflow's EmailOperator: sends one email through an SMTP connection; every field is templated. A send the server
 * refuses fails the try. Under `dags test` with the connection not defined, the try logs the message it would send
 * and succeeds, so a DAG can be tried out without a mail server.
 */
export class EmailOperator extends BaseOperator<{ message_id: string; accepted: string[] } | null> {
  static override templateFields: readonly string[] = ["to", "subject", "htmlContent", "textContent", "cc", "bcc", "files", "from"];
  to: string | readonly string[];
  subject: string;
  htmlContent: string;
  textContent: string | undefined;
  cc: string | readonly string[] | undefined;
  bcc: string | readonly string[] | undefined;
  files: readonly string[];
  from: string | undefined;
  customHeaders: Record<string, string> | undefined;
  connId: string;

  constructor(options: EmailOperatorOptions) {
    super(options);
    requireArgument(addressList(options.to).length > 0, `EmailOperator "${options.taskId}" needs at least one address in \`to\`.`);
    requireArgument(typeof options.subject === "string", `EmailOperator "${options.taskId}" needs a subject.`);
    requireArgument(typeof options.htmlContent === "string", `EmailOperator "${options.taskId}" needs htmlContent.`);
    this.to = options.to;
    this.subject = options.subject;
    this.htmlContent = options.htmlContent;
    this.textContent = options.textContent;
    this.cc = options.cc;
    this.bcc = options.bcc;
    this.files = options.files ?? [];
    this.from = options.from;
    this.customHeaders = options.customHeaders;
    this.connId = options.connId ?? defaultSmtpConnId();
  }

  override async execute(context: TaskContext): Promise<{ message_id: string; accepted: string[] } | null> {
    const to = addressList(this.to).join(", ");
    const connection = context.testMode ? await runtimeOf(context).getConnection(this.connId) : await context.connections.get(this.connId);
    if (!connection) {
      context.log.warn(`Connection "${this.connId}" is not defined; under dags test the email is not sent. It would go to ${to}: "${this.subject}".`);
      return null;
    }
    const sent: SentEmail = await sendEmail(connection, {
      to: this.to, cc: this.cc, bcc: this.bcc, subject: this.subject, html: this.htmlContent, text: this.textContent,
      files: this.files, from: this.from, customHeaders: this.customHeaders,
    });
    context.log.info(`Email "${this.subject}" sent to ${to} through ${connection.host}:${connection.port ?? ""} (${sent.messageId}).`);
    return { message_id: sent.messageId, accepted: sent.accepted };
  }
}
