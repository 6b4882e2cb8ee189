/**
 * Writes data/customers.csv: 600 synthetic customers with a churn label, the same bytes every time (seeded).
 * Churn is likelier with short tenure, many support tickets, long gaps since the last purchase and the basic plan.
 * Run: node bin/run-ts.js examples/churn-pipeline/generate-data.ts
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeCsv, type CsvValue } from "../shared/csv.ts";
import { normal, seededRandom } from "../shared/seeded-random.ts";

export const CUSTOMER_COLUMNS = ["customer_id", "age", "tenure_months", "monthly_charges", "support_tickets", "total_purchases", "days_since_last_purchase", "plan", "churn"];
const PLANS = ["basic", "standard", "premium"];

export function generateCustomers(n = 600, seed = 20240103): Array<Record<string, CsvValue>> {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const age = Math.round(18 + random() * 62);
    const tenure = Math.floor(random() * 72);
    const plan = PLANS[Math.floor(random() * 3)];
    const charges = Math.round((25 + PLANS.indexOf(plan) * 30 + random() * 25) * 100) / 100;
    const tickets = Math.min(8, Math.floor(-Math.log(Math.max(random(), 1e-9)) * 1.5));
    const purchases = Math.max(0, Math.round(tenure * (0.5 + random())));
    const gap = Math.floor(random() * 120);
    const logit = 0.3 - 0.05 * tenure + 0.45 * tickets + 0.015 * gap - 0.4 * PLANS.indexOf(plan) + 0.8 * normal(random);
    return {
      customer_id: `C${String(i + 1).padStart(5, "0")}`, age, tenure_months: tenure, monthly_charges: charges, support_tickets: tickets,
      total_purchases: purchases, days_since_last_purchase: gap, plan, churn: logit > 0 ? 1 : 0,
    };
  });
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL("./data/customers.csv", import.meta.url));
  const rows = generateCustomers();
  await writeCsv(out, CUSTOMER_COLUMNS, rows);
  console.log(`Wrote ${rows.length} customers (${rows.filter((r) => r.churn === 1).length} churned) to ${out}`);
}
