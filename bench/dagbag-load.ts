/** How long loading every example DAG takes (issue target: under 2 s). Each run imports every file anew. */
import { DagBag } from "../core/dagbag/dagbag.ts";
import { measure, report } from "./measure.ts";

let dags = 0;
const figures = await measure(5, async () => {
  const bag = await DagBag.load("dags");
  dags = bag.dags.size;
});
report("dagbag_load_examples", { dags, ...figures });
