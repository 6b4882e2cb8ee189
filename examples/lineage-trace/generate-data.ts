/**
 * Writes data/crm_export.csv: 300 customers as a CRM export would give them, with the usual dirt (the same bytes
 * every time, seeded): about 4% duplicated rows, 3% missing e-mails and 2% negative monthly spend.
 * Run: node bin/run-ts.js examples/lineage-trace/generate-data.ts
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeCsv, type CsvValue } from "../shared/csv.ts";
import { seededRandom } from "../shared/seeded-random.ts";

export const COLUMNS = ["customer_id", "email", "tenure_months", "monthly_spend", "support_tickets", "churned"];

export function generateExport(n = 300, seed = 42): Array<Record<string, CsvValue>> {
  const random = seededRandom(seed);
  const rows: Array<Record<string, CsvValue>> = [];
  for (let i = 0; i < n; i++) {
    const tenure = Math.floor(random() * 60);
    const tickets = Math.floor(random() * 5);
    const spend = Math.round((20 + random() * 80) * 100) / 100;
    const churned = 0.8 - 0.05 * tenure + 0.6 * tickets + (random() - 0.5) * 2 > 0 ? 1 : 0;
    const row = {
      customer_id: `L${String(i + 1).padStart(4, "0")}`, email: random() < 0.03 ? null : `customer${i + 1}@example.com`,
      tenure_months: tenure, monthly_spend: random() < 0.02 ? -spend : spend, support_tickets: tickets, churned,
    };
    rows.push(row);
    if (random() < 0.04) rows.push({ ...row });
  }
  return rows;
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL("./data/crm_export.csv", import.meta.url));
  const rows = generateExport();
  await writeCsv(out, COLUMNS, rows);
  console.log(`Wrote ${rows.length} rows to ${out}`);
}
