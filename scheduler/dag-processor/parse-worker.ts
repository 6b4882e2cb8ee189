/**
 * Entry point of a parser process (forked by the DAG processor with tsx): parses the batch of files it is sent, one
 * at a time, reporting each over IPC, then exits. The parent enforces the timeout by killing this process.
 */
import { parseFile } from "./parse-file.ts";
import type { ParseRequest, ParserMessage } from "./protocol.ts";

function send(message: ParserMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

if (!process.send) {
  console.error("parse-worker.ts is started by the DAG processor (child_process.fork), not run directly.");
  process.exit(2);
}

// Load the authoring API before the first file is announced, so its load time (~0.5 s measured) is not charged to that
// file's timeout. DAG files import it as "updraft", which is this very package. (The listener is attached at once:
// a message arriving before there is one would be lost.)
const authoringApi = import("../../index.ts");
let started = false;

// `on`, not `once`: a listener keeps the IPC channel referenced, so a file awaiting a promise that never settles
// hangs (and meets the timeout) instead of letting the process drain and exit as if the file had crashed.
process.on("message", async (request: ParseRequest) => {
  if (started) return;
  started = true;
  await authoringApi;
  for (const file of request.files) {
    await send({ type: "parsing", file });
    await send({ type: "parsed", result: await parseFile(file) });
  }
  await send({ type: "done" });
  // A DAG file may leave timers or sockets open; they must not keep this process alive.
  process.exit(0);
});
