import { writeFile } from "node:fs/promises";
import { auditTrail, type AuditRow } from "../../core/store/queries/audit-trail.ts";
import { recordCliEvent } from "../cli-audit.ts";
import { parseDateArgument, UsageError, type Command } from "../command.ts";
import { withDatabase } from "../with-database.ts";
import { auditCsv, auditJson } from "../../webserver/api/audit-export.ts";

/** `updraft audit export`: the audit trail of a period as JSON or CSV, for compliance reviews. */
export const auditExport: Command = {
  group: "audit",
  verb: "export",
  summary: "Export the audit trail (who did what, when, from where) for a period as JSON or CSV",
  args: "[file]",
  options: { from: { type: "string" }, to: { type: "string" }, format: { type: "string", default: "json" } },
  optionHelp: {
    from: "--from DATE            first instant included (ISO 8601; default: the beginning)",
    to: "--to DATE              first instant excluded (default: now)",
    format: "--format json|csv      (default json); without [file] it goes to stdout",
  },
  async run([file], values, io) {
    const format = String(values.format);
    if (format !== "json" && format !== "csv") throw new UsageError(`--format must be json or csv, got "${format}".`);
    const from = parseDateArgument(values.from, "--from") ?? null;
    const to = parseDateArgument(values.to, "--to") ?? null;
    if (from && to && from >= to) throw new UsageError("--from must be before --to.");
    return withDatabase("updraft audit export", async (db) => {
      const rows: AuditRow[] = await auditTrail(db, from, to);
      const text = format === "csv" ? auditCsv(rows) : `${JSON.stringify(auditJson(rows), null, 2)}\n`;
      if (file && file !== "-") {
        await writeFile(file, text, { mode: 0o600 });
        io.out(`Exported ${rows.length} audit record(s) to ${file}.`);
      } else io.out(text.trimEnd());
      await recordCliEvent(db, "cli_audit_export", { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, format, count: rows.length });
      return 0;
    });
  },
};
