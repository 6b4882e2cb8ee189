import { parseArgs } from "node:util";
import { DagNotFoundError } from "../core/dagbag/dagbag.ts";
import { UpdraftError } from "../core/errors.ts";
import { didYouMean } from "../core/suggest.ts";
import { UsageError, type CliIO, type Command } from "./command.ts";
import { dagsBackfill } from "./commands/dags-backfill.ts";
import { dagsList, dagsListImportErrors } from "./commands/dags-list.ts";
import { dagsListRuns } from "./commands/dags-list-runs.ts";
import { dagsPause, dagsUnpause } from "./commands/dags-pause.ts";
import { dagsShow } from "./commands/dags-show.ts";
import { dagsTest } from "./commands/dags-test.ts";
import { dagsTrigger } from "./commands/dags-trigger.ts";
import { dagsValidate } from "./commands/dags-validate.ts";
import { dbCheck, dbMigrate, dbReset } from "./commands/db.ts";
import { poolsDelete, poolsList, poolsSet } from "./commands/pools.ts";
import { tasksList, tasksTest } from "./commands/tasks.ts";
import { webserver } from "./commands/webserver.ts";
import { worker } from "./commands/worker.ts";
import { tasksClear } from "./commands/tasks-clear.ts";
import { tasksLogs } from "./commands/tasks-logs.ts";
import { tasksStatesForDagRun } from "./commands/tasks-states-for-dag-run.ts";
import { scheduler, standalone } from "./commands/standalone.ts";
import { health } from "./commands/health.ts";
import { triggerer } from "./commands/triggerer.ts";
import { usersCreate, usersDelete, usersList } from "./commands/users.ts";
import { SECURITY_COMMANDS } from "./commands/security-commands.ts";

export const COMMANDS: readonly Command[] = [
  dagsList, dagsListImportErrors, dagsShow, dagsTest, dagsValidate, dagsTrigger, dagsPause, dagsUnpause, dagsListRuns, dagsBackfill,
  tasksList, tasksTest, tasksStatesForDagRun, tasksClear, tasksLogs, dbMigrate, dbCheck, dbReset, poolsSet, poolsList, poolsDelete, usersCreate, usersList, usersDelete, standalone, scheduler, webserver, worker,
  health, triggerer,
  ...SECURITY_COMMANDS,
];

const defaultIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};

/** `updraft <group> <verb> [args…]`. Returns the exit code. */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const [group, verb, ...rest] = argv;
  if (!group || group === "--help" || group === "-h" || group === "help") {
    io.out(overview());
    return group ? 0 : 2;
  }
  if (group === "version" || group === "--version") {
    io.out("updraft 0.1.0");
    return 0;
  }
  const groups = [...new Set(COMMANDS.map((c) => c.group))];
  if (!groups.includes(group)) {
    io.err(`updraft: unknown command group "${group}".${didYouMean(group, groups)}\n\n${overview()}`);
    return 2;
  }
  const inGroup = COMMANDS.filter((c) => c.group === group);
  const single = inGroup.find((c) => c.verb === "");
  if (single) return runCommand(single, argv.slice(1), io);
  if (!verb || verb === "--help" || verb === "-h") {
    io.out(groupHelp(group, inGroup));
    return verb ? 0 : 2;
  }
  const command = inGroup.find((c) => c.verb === verb);
  if (!command) {
    io.err(`updraft ${group}: unknown command "${verb}".${didYouMean(verb, inGroup.map((c) => c.verb))}\n\n${groupHelp(group, inGroup)}`);
    return 2;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: Command, rest: string[], io: CliIO): Promise<number> {
  const { group, verb } = command;
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(commandHelp(command));
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    return await command.run(positionals, values as Record<string, string | boolean | undefined>, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`updraft ${group} ${verb}: ${(error as Error).message}\n\n${commandHelp(command)}`);
      return 2;
    }
    if (error instanceof DagNotFoundError || error instanceof UpdraftError) {
      io.err(`updraft ${group} ${verb}: ${(error as Error).message}`);
      return 1;
    }
    io.err(`updraft ${group} ${verb} failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}

function overview(): string {
  const lines = ["Usage: updraft <group> <command> [options]", "", "Commands:"];
  for (const c of COMMANDS) lines.push(`  ${`${c.group} ${c.verb}`.trim().padEnd(26)} ${c.summary}`);
  lines.push("", 'Run "updraft <group> <command> --help" for a command\'s options.');
  lines.push("Environment: UPDRAFT_DAGS_FOLDER (default ./dags), UPDRAFT_VAR_<KEY>, UPDRAFT_CONN_<ID>.");
  return lines.join("\n");
}

function groupHelp(group: string, commands: readonly Command[]): string {
  return [`Usage: updraft ${group} <command> [options]`, "", ...commands.map((c) => `  ${c.verb.padEnd(22)} ${c.summary}`)].join("\n");
}

function commandHelp(command: Command): string {
  const lines = [`Usage: updraft ${[command.group, command.verb, command.args].filter(Boolean).join(" ")}`, "", command.summary];
  const help = Object.values(command.optionHelp);
  if (help.length) lines.push("", "Options:", ...help.map((h) => `  ${h}`));
  return lines.join("\n");
}
