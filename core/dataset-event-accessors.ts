import type { DatasetEventView } from "./context.ts";
import { Dataset, normalizeDatasetUri } from "./dataset.ts";
import type { JsonObject } from "./types.ts";

const uriOf = (key: Dataset | string) => (key instanceof Dataset ? key.uri : normalizeDatasetUri(key));

/** What a task says about the event one of its outlets will record (Airflow's `outlet_events[dataset]`). */
export class OutletEventAccessor {
  /** The event's extra; replace or fill it while the task runs. */
  extra: JsonObject = {};
}

/**
 * Airflow's `outlet_events`: `context.outletEvents.get(dataset).extra = {...}` sets the extra of the event that
 * dataset's outlet records when the try succeeds (empty unless set; the Dataset's own `extra` describes the dataset,
 * not the event).
 */
export class OutletEventAccessors {
  private readonly byUri = new Map<string, OutletEventAccessor>();

  get(dataset: Dataset | string): OutletEventAccessor {
    const uri = uriOf(dataset);
    let accessor = this.byUri.get(uri);
    if (!accessor) this.byUri.set(uri, (accessor = new OutletEventAccessor()));
    return accessor;
  }

  /** The events a successful try records: one per outlet, with the extra the task set. */
  eventsFor(outlets: readonly Dataset[]): Array<{ uri: string; extra: JsonObject }> {
    return outlets.map((dataset) => ({ uri: dataset.uri, extra: { ...(this.byUri.get(dataset.uri)?.extra ?? {}) } }));
  }
}

/**
 * Airflow's `inlet_events`: `await context.inletEvents.get(dataset)` is every recorded event of one of the task's
 * inlets, oldest first (`.at(-1)` is the latest). A dataset that is not an inlet of the task is refused, as Airflow's
 * KeyError does.
 */
export class InletEventAccessors {
  constructor(
    private readonly inlets: readonly Dataset[],
    private readonly read: (uri: string) => Promise<DatasetEventView[]>,
  ) {}

  async get(dataset: Dataset | string): Promise<DatasetEventView[]> {
    const uri = uriOf(dataset);
    if (!this.inlets.some((d) => d.uri === uri)) {
      throw new Error(`"${uri}" is not an inlet of this task: add it to the task's inlets to read its events.`);
    }
    return this.read(uri);
  }
}
