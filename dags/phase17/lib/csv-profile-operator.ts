/**
 * Profiles a CSV file and writes its profile as JSON: an operator that tells OpenLineage what it read and wrote through
 * Airflow's protocol (`getOpenLineageFacetsOnComplete`), with the schema and data-quality metrics it measured.
 */
import { readFile, writeFile } from "node:fs/promises";
import { BaseOperator, openlineage, type TaskContext, type TaskOptions } from "updraft";

export interface CsvProfileOptions extends TaskOptions {
  /** The CSV to profile (first line: column names). */
  filepath: string;
  /** Where the profile goes (JSON). */
  profilePath: string;
}

interface Profile {
  rows: number;
  bytes: number;
  columns: Record<string, { type: "number" | "string"; nullCount: number; distinctCount: number; min?: number; max?: number }>;
}

export class CsvProfileOperator extends BaseOperator<Profile> {
  static override templateFields: readonly string[] = ["filepath", "profilePath"];
  filepath: string;
  profilePath: string;
  private profile: Profile | null = null;

  constructor(options: CsvProfileOptions) {
    super(options);
    this.filepath = options.filepath;
    this.profilePath = options.profilePath;
  }

  override async execute(context: TaskContext): Promise<Profile> {
    const text = await readFile(this.filepath, "utf8");
    const [header, ...lines] = text.trim().split("\n");
    const names = header.split(",");
    const rows = lines.map((l) => l.split(","));
    const columns: Profile["columns"] = {};
    names.forEach((name, i) => {
      const values = rows.map((r) => r[i] ?? "");
      const present = values.filter((v) => v !== "");
      const numeric = present.length > 0 && present.every((v) => !Number.isNaN(Number(v)));
      const numbers = numeric ? present.map(Number) : [];
      columns[name] = {
        type: numeric ? "number" : "string",
        nullCount: values.length - present.length,
        distinctCount: new Set(present).size,
        ...(numeric ? { min: Math.min(...numbers), max: Math.max(...numbers) } : {}),
      };
    });
    this.profile = { rows: rows.length, bytes: Buffer.byteLength(text), columns };
    await writeFile(this.profilePath, JSON.stringify(this.profile, null, 2));
    context.log.info(`Profiled ${rows.length} rows of ${this.filepath} into ${this.profilePath}`);
    return this.profile;
  }

  getOpenLineageFacetsOnComplete(): openlineage.OperatorLineage {
    const input = openlineage.datasetFromUri(this.filepath);
    const output = openlineage.datasetFromUri(this.profilePath);
    if (!this.profile) return { inputs: [input], outputs: [output] };
    const { rows, bytes, columns } = this.profile;
    return {
      inputs: [{
        ...input,
        facets: { schema: openlineage.schemaFacet(Object.entries(columns).map(([name, c]) => ({ name, type: c.type }))) },
        inputFacets: {
          dataQualityMetrics: openlineage.dataQualityMetricsFacet({
            rowCount: rows,
            bytes,
            columnMetrics: Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, { nullCount: c.nullCount, distinctCount: c.distinctCount, ...(c.min !== undefined ? { min: c.min, max: c.max } : {}) }])),
          }),
        },
      }],
      outputs: [{ ...output, facets: { schema: openlineage.schemaFacet([{ name: "rows", type: "integer" }, { name: "bytes", type: "integer" }, { name: "columns", type: "object" }]) } }],
    };
  }
}
