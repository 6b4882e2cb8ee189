/** `updraft/providers/smtp`: email over SMTP (Airflow's smtp provider). */
export { EmailOperator, type EmailOperatorOptions } from "../../operators/email.ts";
export { smtpNotifier, type SmtpNotifierOptions } from "./notifier.ts";
export { sendEmail, type EmailMessage, type SentEmail } from "./send-email.ts";
export { smtpSettings, defaultSmtpConnId, type SmtpSettings } from "./connection.ts";
