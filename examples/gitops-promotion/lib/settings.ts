import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exampleWorkDir } from "../../shared/work-dir.ts";

const WORK = exampleWorkDir("gitops-promotion");
/** The deployments repository; default a local bare repository, created on first use. Any git URL works. */
export const DEFAULT_REPO = join(WORK, "deployments.git");
/** The pipeline's working clone of it. */
export const CHECKOUT = join(WORK, "checkout");
/** The model registry's versions (an export of MLflow's, kept as a file so the example runs without a server). */
export const MODEL_VERSIONS = fileURLToPath(new URL("../data/model-versions.json", import.meta.url));
