/**
 * phase17_02_data_catalog — publishing dataset metadata to a data catalog.
 *
 * Shows: a task that describes the datasets this pipeline owns (schema read from the data itself, owners, tags,
 * descriptions) and publishes them to a DataHub-style catalog: `POST {host}/entities?action=ingest` with a
 * DatasetSnapshot per dataset (Ownership, GlobalTags, DatasetProperties, SchemaMetadata), as DataHub's REST emitter.
 * The same schema also travels in the task's OpenLineage events.
 *
 * Run: start DataHub (GMS on :8080) or any receiver of that endpoint, then
 *   UPDRAFT_CONN_DATAHUB_DEFAULT=http://localhost:8080 updraft dags test phase17_02_data_catalog 2024-01-03
 * (a token goes in the connection's password). Without the connection, publish_to_catalog fails saying so.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dag, Dataset, getCurrentContext, governance, openlineage, task } from "updraft";
import { DATA_DIR, fileUri } from "./lib/paths.ts";

const customers = new Dataset(fileUri("customers.csv"));

const writeCustomers = task({ outlets: [customers] }, async function write_customers() {
  await mkdir(DATA_DIR, { recursive: true });
  await writeFile(new URL(customers.uri), "customer_id,email,country,signup_date\n1,ann@example.com,FR,2024-01-01\n2,bob@example.com,DE,2024-01-02\n");
  return 2;
});

const describeDatasets = task({ inlets: [customers] }, async function describe_datasets(): Promise<governance.CatalogDataset[]> {
  const header = (await readFile(new URL(customers.uri), "utf8")).split("\n")[0];
  const types: Record<string, string> = { customer_id: "integer", email: "varchar", country: "char(2)", signup_date: "date" };
  const { namespace, name } = openlineage.datasetFromUri(customers.uri);
  return [{
    namespace, name,
    description: "Customers who signed up, one row each (the CRM's daily export).",
    owners: ["crm-team", "ann"],
    tags: ["PII"],
    schema: header.split(",").map((column) => ({ name: column, type: types[column] ?? "varchar", ...(column === "email" ? { description: "Contact e-mail (PII)" } : {}) })),
    properties: { retention: "365 days", source: "crm" },
  }];
});

const publishToCatalog = task(async function publish_to_catalog(datasets: governance.CatalogDataset[]) {
  const { url, password } = governance.apiFromConnection(await getCurrentContext().connections.get("datahub_default"));
  const urns = await governance.publishToDataHub(datasets, { server: url, token: password || undefined });
  return { published: urns };
});

export default dag(
  {
    dagId: "phase17_02_data_catalog",
    description: "Publishes schema, owners, tags and descriptions of its datasets to a DataHub-style catalog",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase17", "governance", "catalog"],
  },
  () => {
    const written = writeCustomers();
    const described = describeDatasets();
    written.then(described);
    publishToCatalog(described);
  },
);
