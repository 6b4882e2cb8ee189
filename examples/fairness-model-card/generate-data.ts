/**
 * Writes two customer samples with the same columns, the same bytes every time (seeded):
 * - data/customers_fair.csv: churn depends on tenure, support tickets and app sessions, none of them tied to age
 *   group or gender;
 * - data/customers_biased.csv: app sessions are far lower for customers over 50 and their recorded churn is higher
 *   (historical bias), so a model trained on it flags that group much more often.
 * Run: node bin/run-ts.js examples/fairness-model-card/generate-data.ts
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeCsv, type CsvValue } from "../shared/csv.ts";
import { normal, seededRandom } from "../shared/seeded-random.ts";

export const COLUMNS = ["customer_id", "age_group", "gender", "tenure_months", "support_tickets", "app_sessions", "churn"];
const AGE_GROUPS = ["under_30", "30_to_50", "over_50"];

export function generateCustomers(kind: "fair" | "biased", n = 1000, seed = 2): Array<Record<string, CsvValue>> {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const ageGroup = AGE_GROUPS[Math.floor(random() * 3)];
    const gender = random() < 0.5 ? "female" : "male";
    const tenure = Math.floor(random() * 60);
    const tickets = Math.floor(random() * 6);
    const older = ageGroup === "over_50";
    const sessions = Math.max(0, Math.round(kind === "biased" && older ? 3 + random() * 6 : 5 + random() * 25));
    const groupEffect = kind === "biased" && older ? 1.5 : 0;
    const logit = 0.9 - 0.06 * tenure + 0.5 * tickets - 0.06 * sessions + groupEffect + 0.6 * normal(random);
    return { customer_id: `F${String(i + 1).padStart(4, "0")}`, age_group: ageGroup, gender, tenure_months: tenure, support_tickets: tickets, app_sessions: sessions, churn: logit > 0 ? 1 : 0 };
  });
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) {
  for (const kind of ["fair", "biased"] as const) {
    const out = fileURLToPath(new URL(`./data/customers_${kind}.csv`, import.meta.url));
    const rows = generateCustomers(kind);
    await writeCsv(out, COLUMNS, rows);
    console.log(`Wrote ${rows.length} customers (${rows.filter((r) => r.churn === 1).length} churned) to ${out}`);
  }
}
