import type { RunEvent, Transport } from "./types.ts";

export interface SenderOptions {
  /** Events held while the transport is slow or down; past this, new events are dropped (and counted). */
  capacity?: number;
  attempts?: number;
  backoffMs?: number;
  log?: (message: string) => void;
}

/**
 * Delivers events through one transport in the background, in order: `enqueue` never waits and never throws, so
 * emission cannot slow or fail a task. A send is retried with exponential backoff; an event that still fails, or
 * that finds the buffer full, is dropped, and the count is logged once the queue drains.
 */
export class BufferedSender {
  private readonly queue: RunEvent[] = [];
  private draining: Promise<void> | null = null;
  private droppedUnlogged = 0;
  dropped = 0;
  delivered = 0;
  private readonly capacity: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly log: (message: string) => void;

  constructor(readonly transport: Transport, options: SenderOptions = {}) {
    this.capacity = options.capacity ?? 1000;
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 200;
    this.log = options.log ?? ((m) => console.error(m));
  }

  enqueue(event: RunEvent): void {
    if (this.queue.length >= this.capacity) {
      this.drop(1);
    } else {
      this.queue.push(event);
    }
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** Resolves once every queued event was delivered or dropped. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private drop(count: number): void {
    this.dropped += count;
    this.droppedUnlogged += count;
  }

  private async drain(): Promise<void> {
    let lastError = "";
    // Once an event failed every attempt, the endpoint is taken as down: the events queued behind it get one attempt
    // each (no backoff) until one goes through, so a dead endpoint costs one retry cycle, not one per event.
    let down = false;
    while (this.queue.length) {
      const event = this.queue[0];
      const error = await this.sendWithRetries(event, down ? 1 : this.attempts);
      down = error !== null;
      this.queue.shift();
      if (error) {
        lastError = error;
        this.drop(1);
      } else this.delivered++;
    }
    if (this.droppedUnlogged) {
      this.log(`[openlineage] dropped ${this.droppedUnlogged} event(s) for ${this.transport.name} (${this.dropped} in all)${lastError ? `; last error: ${lastError}` : ": the buffer was full"}. Check that the lineage endpoint is up; tasks are not affected.`);
      this.droppedUnlogged = 0;
    }
  }

  private async sendWithRetries(event: RunEvent, attempts: number): Promise<string | null> {
    let message = "";
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        await this.transport.send(event);
        return null;
      } catch (error) {
        message = (error as Error).message;
        if (attempt < attempts - 1) await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** attempt));
      }
    }
    return message;
  }
}

/** One sender per transport: a down endpoint never holds back the others. */
export class Emitter {
  readonly senders: BufferedSender[];
  constructor(transports: readonly Transport[], options: SenderOptions = {}) {
    this.senders = transports.map((t) => new BufferedSender(t, options));
  }
  emit(event: RunEvent): void {
    for (const sender of this.senders) sender.enqueue(event);
  }
  async idle(): Promise<void> {
    await Promise.all(this.senders.map((s) => s.idle()));
  }
}
