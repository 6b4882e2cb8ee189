import { Redis } from "ioredis";
import { lastPerKey, type OnlineRecord, type OnlineStore } from "./online-store.ts";

/**
 * Feast's redis online store shape: one hash per entity key and view (`feast:<project>:<view>:<key>`, fields
 * `values`, `event_ts`, `created_ts`), and a sorted set of materialized interval ends per view.
 */
export class RedisOnlineStore implements OnlineStore {
  constructor(private readonly redis: Redis) {}

  static connect(url: string): RedisOnlineStore {
    return new RedisOnlineStore(new Redis(url, { lazyConnect: false, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null }));
  }

  private key(project: string, view: string, entityKey: string) {
    return `feast:${project}:${view}:${entityKey}`;
  }

  async write(project: string, view: string, records: OnlineRecord[]): Promise<void> {
    const pipeline = this.redis.multi();
    for (const r of lastPerKey(records)) {
      pipeline.hset(this.key(project, view, r.entityKey), { values: JSON.stringify(r.values), event_ts: String(r.eventTs), created_ts: r.createdTs === null ? "" : String(r.createdTs) });
    }
    await pipeline.exec();
  }

  async read(project: string, view: string, entityKeys: string[]) {
    const pipeline = this.redis.pipeline();
    for (const key of entityKeys) pipeline.hgetall(this.key(project, view, key));
    const replies = (await pipeline.exec()) ?? [];
    const found = new Map<string, { values: Record<string, unknown>; eventTs: number }>();
    replies.forEach(([error, hash], i) => {
      if (error) throw error;
      const h = hash as Record<string, string>;
      if (h.values !== undefined) found.set(entityKeys[i], { values: JSON.parse(h.values) as Record<string, unknown>, eventTs: Number(h.event_ts) });
    });
    return found;
  }

  async recordMaterialization(project: string, view: string, start: number, end: number): Promise<void> {
    await this.redis.zadd(`feast:${project}:materialized:${view}`, end, `${start}-${end}`);
  }

  async lastMaterializedEnd(project: string, view: string): Promise<number | null> {
    const top = await this.redis.zrevrange(`feast:${project}:materialized:${view}`, 0, 0, "WITHSCORES");
    return top.length ? Number(top[1]) : null;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
