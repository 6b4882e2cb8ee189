import type { TaskContext } from "../../core/context.ts";
import { runtimeOf } from "../../core/runtime.ts";
import { defineNotifier, type Notifier, type NotifierOptions } from "../../notifications/notifier.ts";
import { renderWithContext } from "../../notifications/render.ts";
import { addressList, sendEmail } from "./send-email.ts";
import { defaultSmtpConnId } from "./connection.ts";

export interface SmtpNotifierOptions extends NotifierOptions {
  to: string | readonly string[];
  /** Handlebars, rendered with the callback's context (`{{ti.task_id}}`, `{{exception}}`, `{{reason}}`…). */
  subject: string;
  htmlContent?: string;
  textContent?: string;
  cc?: string | readonly string[];
  bcc?: string | readonly string[];
  files?: readonly string[];
  from?: string;
  /** The SMTP connection; `smtp_default` unless UPDRAFT_EMAIL_CONN_ID says otherwise. */
  connId?: string;
}

/** Airflow's SmtpNotifier: an email sent from any callback. See notifications/notifier.ts for failure handling. */
export function smtpNotifier(options: SmtpNotifierOptions): Notifier {
  const connId = options.connId ?? defaultSmtpConnId();
  if (addressList(options.to).length === 0) throw new TypeError("smtpNotifier needs at least one address in `to`.");
  return defineNotifier(
    "smtp_notifier",
    async (context: TaskContext) => {
      const { to, cc, bcc, subject, htmlContent, textContent, files, from } = await renderWithContext(
        { to: options.to, cc: options.cc, bcc: options.bcc, subject: options.subject, htmlContent: options.htmlContent, textContent: options.textContent, files: options.files, from: options.from },
        context,
      );
      const recipients = addressList(to).join(", ");
      const connection = await runtimeOf(context).getConnection(connId);
      if (!connection) {
        throw new Error(`connection "${connId}" is not defined, so "${subject}" was not sent to ${recipients}; set AIRFLOW_CONN_${connId.toUpperCase()}`);
      }
      await sendEmail(connection, { to, cc, bcc, subject, html: htmlContent ?? (textContent ? undefined : subject), text: textContent, files, from });
      return `sent "${subject}" to ${recipients}`;
    },
    options,
  );
}
