import type { Command } from "../command.ts";
import { auditExport } from "./audit.ts";
import { CONNECTION_COMMANDS } from "./connections.ts";
import { rotateKey } from "./rotate-key.ts";
import { VARIABLE_COMMANDS } from "./variables.ts";

/** Connections, variables, key rotation and the audit export: registered together in cli/main.ts. */
export const SECURITY_COMMANDS: readonly Command[] = [...CONNECTION_COMMANDS, ...VARIABLE_COMMANDS, rotateKey, auditExport];
