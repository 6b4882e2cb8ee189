import { fork, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { TSX_LOADER } from "../core/tsx-loader.ts";
import type { TiKey } from "../core/store/queries/task-instances.ts";
import type { Executor, ExecutorEvent, ExecutorStats, Workload } from "./executor.ts";
import type { ApiRequest, ApiResponse, FinishRequest, StartResponse } from "../webserver/execution-api/protocol.ts";
import { IPC_TRANSPORT_ENV } from "./api-transport.ts";
import { logFunction } from "../observability/logger.ts";
import type { RunnerMessage, RunnerReply } from "./runner-protocol.ts";

const RUNNER_MAIN = fileURLToPath(new URL("./runner-main.ts", import.meta.url));

export interface LocalExecutorOptions {
  /** Runner processes, i.e. tasks running at once. Default 8 (UPDRAFT_PARALLELISM). */
  parallelism?: number;
  /**
   * A runner is replaced after this many tasks, bounding leaks in task code. Default 1,000 (UPDRAFT_TASKS_PER_RUNNER):
   * a new runner costs ~0.1 s of the scheduler's process to spawn and more to import TypeScript and the DAG files,
   * which at 100 made up a quarter of a 1,000-task run's time (dev machine, 2026-12-02).
   */
  tasksPerRunner?: number;
  env?: Record<string, string>;
  /**
   * The execution API of this process: runners then call it over their IPC pipe instead of HTTP. Without it they use
   * the workload's `apiUrl`.
   */
  executionApi?: { handle(request: ApiRequest): Promise<ApiResponse> };
  log?: (message: string) => void;
}

interface Runner {
  child: ChildProcess;
  ready: boolean;
  busy: Workload | null;
  tasksRun: number;
}

const sameTry = (w: Workload, key: TiKey, tryNumber: number) =>
  w.tryNumber === tryNumber && w.key.dagId === key.dagId && w.key.runId === key.runId && w.key.taskId === key.taskId && w.key.mapIndex === key.mapIndex;

/**
 * The local executor: a pool of warm runner processes on this machine. Task code never runs in the scheduler's
 * process; a runner that crashes, is killed or has run `tasksPerRunner` tasks is replaced.
 */
export class LocalExecutor implements Executor {
  readonly name = "local";
  private readonly parallelism: number;
  private readonly tasksPerRunner: number;
  private readonly runners = new Set<Runner>();
  private readonly pending: Workload[] = [];
  private readonly listeners: Array<(event: ExecutorEvent) => void> = [];
  private stopping = false;
  /** Outcomes being recorded for runners: stopping waits for them, so a finished try is not left running. */
  private readonly recording = new Set<Promise<void>>();
  private readonly log: (message: string) => void;

  constructor(private readonly options: LocalExecutorOptions = {}) {
    this.parallelism = options.parallelism ?? Number(process.env.UPDRAFT_PARALLELISM ?? 8);
    this.tasksPerRunner = options.tasksPerRunner ?? Number(process.env.UPDRAFT_TASKS_PER_RUNNER ?? 1000);
    this.log = options.log ?? logFunction("executor");
  }

  async start(): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < this.parallelism; i++) ready.push(this.spawn());
    await Promise.all(ready);
  }

  private spawn(): Promise<void> {
    const child = fork(RUNNER_MAIN, [], {
      execArgv: ["--import", TSX_LOADER],
      env: { ...process.env, ...this.options.env, ...(this.options.executionApi ? { [IPC_TRANSPORT_ENV]: "ipc" } : {}) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const runner: Runner = { child, ready: false, busy: null, tasksRun: 0 };
    this.runners.add(runner);
    return new Promise((resolve) => {
      child.on("message", (reply: RunnerReply) => {
        if (reply.type === "api") {
          void this.answer(runner, reply.id, reply.request);
        } else if (reply.type === "ready") {
          runner.ready = true;
          resolve();
          this.dispatch();
        } else if (reply.type === "done" && runner.busy) {
          const workload = runner.busy;
          runner.busy = null;
          runner.tasksRun++;
          if (reply.finish) {
            const recording = this.recordFinish(workload, reply.finish).finally(() => this.recording.delete(recording));
            this.recording.add(recording);
          }
          this.emit({ kind: "exited", workload, ok: reply.outcome !== "error", reason: reply.error ?? reply.outcome });
          if (runner.tasksRun >= this.tasksPerRunner) this.retire(runner);
          this.dispatch();
        }
      });
      child.on("exit", (code, signal) => {
        this.runners.delete(runner);
        resolve();
        if (runner.busy) {
          this.emit({ kind: "exited", workload: runner.busy, ok: false, reason: `its runner process died (${signal ?? `exit code ${code}`})` });
        }
        if (!this.stopping) void this.spawn();
      });
    });
  }

  private async answer(runner: Runner, id: number, request: ApiRequest): Promise<void> {
    const response = await this.options.executionApi!.handle(request);
    if (runner.child.connected) runner.child.send({ type: "api-reply", id, response } satisfies RunnerMessage);
  }

  /**
   * A runner's outcome, recorded for it. While the database is unreachable (a PostgreSQL restart takes seconds) it is
   * retried for about half a minute, backing off up to 2 s; only then is the try left to zombie detection.
   */
  private async recordFinish(workload: Workload, finish: FinishRequest): Promise<void> {
    const request = { method: "POST", path: "/ti/finish", authorization: `Bearer ${workload.token}`, body: finish };
    for (let attempt = 0; ; attempt++) {
      const response = await this.options.executionApi!.handle(request);
      if (response.status < 500) return;
      if (attempt === 18 || this.stopping) {
        const { dagId, taskId } = workload.key;
        this.log(`Could not record that ${dagId}.${taskId} try ${workload.tryNumber} ended ${finish.state}: ${JSON.stringify(response.body)}. Zombie detection will fail it.`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
    }
  }

  private retire(runner: Runner): void {
    this.runners.delete(runner);
    runner.child.disconnect();
  }

  private emit(event: ExecutorEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private dispatch(): void {
    for (const runner of this.runners) {
      if (!this.pending.length) return;
      if (!runner.ready || runner.busy || !runner.child.connected) continue;
      const workload = this.pending.shift()!;
      runner.busy = workload;
      this.emit({ kind: "started", workload });
      if (this.options.executionApi && !workload.callback) void this.startAndSend(runner, workload);
      else runner.child.send({ type: "run", workload } satisfies RunnerMessage);
    }
  }

  /**
   * With the execution API in this process, the try is started here, for the runner it is handed to (its pid is the
   * try's), and the answer travels with the workload: one round trip fewer per try. A try that may not start (cleared
   * meanwhile) never reaches the runner; when the API fails, the runner starts the try itself and retries as usual.
   */
  private async startAndSend(runner: Runner, workload: Workload): Promise<void> {
    const response = await this.options.executionApi!.handle({
      method: "POST", path: "/ti/start", authorization: `Bearer ${workload.token}`, body: { hostname: hostname(), pid: runner.child.pid ?? 0 },
    });
    if (response.status === 409) {
      runner.busy = null;
      this.emit({ kind: "exited", workload, ok: true, reason: "not_started" });
      this.dispatch();
      return;
    }
    const started = response.status === 200 ? (response.body as StartResponse) : undefined;
    if (runner.child.connected) runner.child.send({ type: "run", workload, started } satisfies RunnerMessage);
  }

  /**
   * Runners plus a backlog twice as deep: a runner that finishes takes its next workload at once instead of waiting for
   * the scheduler's next pass. Airflow's parallelism likewise counts queued tasks. Once full, room is offered again
   * only when the backlog is down to half the runners, so that under load each scheduler pass queues a batch of about
   * as many TIs as there are runners rather than one per finished try: the critical section costs nearly the same for
   * one TI as for ten (with a backlog as deep as the runners and a refill at three quarters, passes queued four TIs each
   * and the critical section was a sixth of the scheduler's time over 100 concurrent runs, dev machine, 2026-12-02).
   */
  stats(): ExecutorStats {
    let running = 0;
    for (const runner of this.runners) if (runner.busy) running++;
    return { queued: this.pending.length, running, openSlots: Math.max(0, this.parallelism - running - this.pending.length) };
  }

  slotsAvailable(): number {
    let busy = 0;
    for (const runner of this.runners) if (runner.busy) busy++;
    const taken = busy + this.pending.length;
    if (taken > this.parallelism * 1.5) return 0;
    return Math.max(0, 3 * this.parallelism - taken);
  }

  /** Nothing running and nothing waiting for a runner. */
  isIdle(): boolean {
    return !this.pending.length && [...this.runners].every((runner) => !runner.busy);
  }

  queue(workload: Workload): void {
    this.pending.push(workload);
    this.pending.sort((a, b) => b.priorityWeight - a.priorityWeight);
    this.dispatch();
  }

  onEvent(listener: (event: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }

  kill(key: TiKey, tryNumber: number): void {
    const index = this.pending.findIndex((w) => sameTry(w, key, tryNumber));
    if (index >= 0) this.pending.splice(index, 1);
    for (const runner of this.runners) if (runner.busy && sameTry(runner.busy, key, tryNumber)) runner.child.kill("SIGKILL");
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const exits = [...this.runners].map((runner) => new Promise<void>((resolve) => {
      if (runner.child.exitCode !== null) return resolve();
      runner.child.once("exit", () => resolve());
      runner.child.kill("SIGTERM");
    }));
    await Promise.all(exits);
    await Promise.all(this.recording);
  }

  /** Runner pids (for fault-injection tests and `updraft health`). */
  runnerPids(): number[] {
    return [...this.runners].map((r) => r.child.pid!).filter(Boolean);
  }
}
