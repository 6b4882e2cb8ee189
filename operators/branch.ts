import { BaseOperator } from "../core/base-operator.ts";
import { followBranches } from "../core/branching.ts";
import type { TaskContext } from "../core/context.ts";
import { PythonOperator } from "./python.ts";

/** Airflow's BranchPythonOperator: the callable returns the task id(s) or task group id(s) to follow. */
export class BranchPythonOperator extends PythonOperator<string | string[] | null> {
  override async execute(context: TaskContext): Promise<string | string[] | null> {
    const chosen = await this.callCallable(context);
    await followBranches(context, this, chosen);
    return chosen;
  }
}

/** Airflow's BaseBranchOperator: subclass and implement `chooseBranch(context)`. */
export abstract class BaseBranchOperator extends BaseOperator<string | string[] | null> {
  abstract chooseBranch(context: TaskContext): string | string[] | null | Promise<string | string[] | null>;

  override async execute(context: TaskContext): Promise<string | string[] | null> {
    const chosen = await this.chooseBranch(context);
    await followBranches(context, this, chosen);
    return chosen;
  }
}
