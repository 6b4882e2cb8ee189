/**
 * lineage_clean — runs when raw customers are updated: drops duplicated customers, rows without an e-mail and
 * negative spend, and writes the cleaned customers (the dataset lineage_features is scheduled on).
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { dag, getCurrentContext, task } from "updraft";
import { readFileBatch } from "updraft/providers/mlops";
import { writeCsv } from "../../shared/csv.ts";
import { cleanedCustomers, path, rawCustomers } from "../lib/datasets.ts";

const clean = task({ inlets: [rawCustomers], outlets: [cleanedCustomers] }, async function clean_customers() {
  const { rows, columns } = await readFileBatch(path(rawCustomers));
  const seen = new Set<string>();
  const kept = rows.filter((r) => {
    const id = String(r.customer_id);
    if (seen.has(id) || r.email === null || Number(r.monthly_spend) < 0) return false;
    seen.add(id);
    return true;
  });
  await mkdir(dirname(path(cleanedCustomers)), { recursive: true });
  await writeCsv(path(cleanedCustomers), columns, kept as Record<string, string | number | null>[]);
  getCurrentContext().log.info(`Kept ${kept.length} of ${rows.length} rows.`);
  return { kept: kept.length, dropped: rows.length - kept.length };
});

export default dag(
  { dagId: "lineage_clean", description: "raw → cleaned customers", schedule: [rawCustomers], startDate: "2024-01-01", catchup: false, tags: ["examples", "lineage"] },
  () => {
    clean();
  },
);
