export { DagProcessor, latestSerializedDag, type DagProcessorOptions, type ParseReport, type StoredDag } from "./dag-processor.ts";
