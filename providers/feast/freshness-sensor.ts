import type { TaskContext } from "../../core/context.ts";
import { durationToSeconds, type Duration } from "../../core/dates.ts";
import { BaseSensorOperator, type SensorOptions } from "../../core/sensor.ts";
import type { Input } from "../../core/xcom-arg.ts";
import { FeastFeatureServerClient } from "./client.ts";
import { feastClientFor } from "./operators.ts";

/**
 * Waits until online features are fresh: for the given entity rows, every feature is PRESENT and its event timestamp
 * is within `maxAge` of now (or of `asOf`, templated). Reads through the feature server, so it works against
 * `feast serve` as well as the Updraft feature server.
 */
export class FeastFeatureFreshnessSensor extends BaseSensorOperator {
  static override templateFields = ["url", "features", "entities", "asOf"];
  readonly feastConnId: string;
  features: string[];
  entities: Record<string, unknown[]>;
  readonly maxAgeSeconds: number;
  asOf: string | undefined;
  url: string | undefined;
  constructor(options: SensorOptions & { feastConnId?: string; url?: Input<string>; features: Input<string[]>; entities: Input<Record<string, unknown[]>>; maxAge: Duration; asOf?: Input<string> }) {
    super(options);
    this.feastConnId = options.feastConnId ?? "feast_default";
    this.features = options.features as string[];
    this.entities = options.entities as Record<string, unknown[]>;
    this.maxAgeSeconds = durationToSeconds(options.maxAge, "maxAge");
    this.asOf = options.asOf as string | undefined;
    this.url = options.url as string | undefined;
  }
  override async poke(context: TaskContext) {
    const client = this.url ? new FeastFeatureServerClient(this.url) : await feastClientFor(context, this.feastConnId);
    const result = await client.getOnlineFeatures({ features: this.features, entities: this.entities });
    const reference = this.asOf ? Date.parse(this.asOf) : Date.now();
    if (Number.isNaN(reference)) throw new Error(`asOf "${this.asOf}" is not a timestamp.`);
    const keys = new Set(Object.keys(this.entities));
    const stale: string[] = [];
    result.rows.forEach((_, j) => {
      for (const name of result.featureNames.filter((n) => !keys.has(n))) {
        const status = result.statuses[j][name];
        const ts = Date.parse(result.eventTimestamps[j][name]);
        if (status !== "PRESENT" || reference - ts > this.maxAgeSeconds * 1000) stale.push(`row ${j} ${name}: ${status}${status === "PRESENT" ? ` at ${result.eventTimestamps[j][name]}` : ""}`);
      }
    });
    if (stale.length) {
      context.log.info(`Not fresh (max age ${this.maxAgeSeconds}s): ${stale.slice(0, 5).join("; ")}${stale.length > 5 ? ` and ${stale.length - 5} more` : ""}`);
      return false;
    }
    const oldest = Math.min(...result.rows.flatMap((_, j) => result.featureNames.filter((n) => !keys.has(n)).map((n) => Date.parse(result.eventTimestamps[j][n]))));
    context.log.info(`All ${result.featureNames.length - keys.size} features fresh for ${result.rows.length} entities.`);
    return { isDone: true, xcomValue: { oldestEventTimestamp: new Date(oldest).toISOString() } };
  }
}
