import { BaseOperator } from "../core/base-operator.ts";

/** Does nothing. Used for structure (start/end markers, joins). Never sent to a runner when it has no callbacks or outlets. */
export class EmptyOperator extends BaseOperator<void> {
  override execute(): void {}

  override get isNoop(): boolean {
    return this.onExecuteCallback.length === 0 && this.onSuccessCallback.length === 0 && this.outlets.length === 0;
  }
}
