/**
 * phase10_02_schema_validation — data contracts as versioned JSON Schemas.
 *
 * Shows: contracts kept as files (`data/contracts/orders.v1.json`, `orders.v2.json`); a gate that refuses to
 * publish a new contract version unless it is backward compatible with the previous one (consumers on v2 can read
 * everything written under v1); validation of a day's events against the latest version, with every violation
 * reported by record and JSON pointer; and a quarantine split: valid records go on, invalid ones are set aside,
 * and the run fails only when the invalid share passes the contract's tolerance (here 25%).
 * Run it: `updraft dags test phase10_02_schema_validation 2024-01-03`.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dag, getCurrentContext, task } from "updraft";
import { checkCompatibility, loadContracts, pickContract, validateRecords } from "updraft/providers/mlops";

const contractsDir = fileURLToPath(new URL("./data/contracts/", import.meta.url));
const eventsFile = fileURLToPath(new URL("./data/events.json", import.meta.url));
const MAX_INVALID_SHARE = 0.25;

const checkContractEvolution = task(async function check_contract_evolution() {
  const versions = (await loadContracts(contractsDir)).filter((c) => c.name === "orders").sort((a, b) => a.version - b.version);
  const steps = [];
  for (let i = 1; i < versions.length; i++) {
    const result = checkCompatibility(versions[i - 1].schema, versions[i].schema, "backward");
    if (!result.compatible) {
      throw new Error(`Contract "orders" v${versions[i].version} breaks consumers of v${versions[i - 1].version}:\n${result.issues.map((x) => `  ${x.path}: ${x.message}`).join("\n")}`);
    }
    // Forward compatibility (old consumers reading new data) is reported, not required.
    steps.push({ from: versions[i - 1].version, to: versions[i].version, backward: true, forward: checkCompatibility(versions[i - 1].schema, versions[i].schema, "forward").compatible });
  }
  return { latest: versions.at(-1)!.version, steps };
});

const validateEvents = task(async function validate_events(evolution: { latest: number }) {
  const contract = pickContract(await loadContracts(contractsDir), "orders", evolution.latest);
  const records = JSON.parse(await readFile(eventsFile, "utf8")) as unknown[];
  return validateRecords(contract, records);
});

const quarantine = task(async function quarantine(validation: { recordCount: number; invalidCount: number; violations: Array<{ index: number; path: string; message: string }> }) {
  const bad = [...new Set(validation.violations.map((v) => v.index))];
  const share = validation.invalidCount / validation.recordCount;
  if (share > MAX_INVALID_SHARE) {
    throw new Error(`${validation.invalidCount} of ${validation.recordCount} records break the contract (more than ${MAX_INVALID_SHARE * 100}%).`);
  }
  const reasons = validation.violations.map((v) => `record ${v.index} ${v.path}: ${v.message}`);
  getCurrentContext().log.info(`Accepted ${validation.recordCount - bad.length} records, quarantined records ${JSON.stringify(bad)}:\n${reasons.join("\n")}`);
  return { accepted: validation.recordCount - bad.length, quarantined: bad, reasons };
});

export default dag(
  {
    dagId: "phase10_02_schema_validation",
    description: "Versioned JSON-Schema data contracts: compatibility gate, validation and quarantine",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase10", "data-contracts"],
  },
  () => {
    quarantine(validateEvents(checkContractEvolution()));
  },
);
