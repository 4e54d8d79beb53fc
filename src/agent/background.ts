import type { BoardConfig } from "../board/config.js";
import type { WriteContext } from "../board/write.js";
import { isBeadboardError } from "../errors.js";
import type { Remote } from "../sync/remote.js";
import { syncBoard } from "../sync/sync.js";
import { packLooseObjects } from "../git/pack.js";
import { startWebhookServer, WEBHOOK_SECRET_ENV, webhookSecretFor } from "../sync/webhook.js";
import { parseDuration } from "../time/duration.js";
import { everyInterval, type IntervalTimer } from "../time/interval.js";
import type { Claimer } from "./claimer.js";
import type { MetricsLog } from "./metrics.js";
import type { AgentRuntime } from "./runtime.js";
import { sweepExpired } from "./expiry-sweep.js";
import type { LiveBoard } from "../board/live-board.js";

export interface BackgroundOptions {
  ctx: WriteContext;
  board: LiveBoard;
  config: BoardConfig;
  env: NodeJS.ProcessEnv;
  metrics: MetricsLog;
  log: (line: string) => void;
  runtimes: readonly AgentRuntime[];
  claimer: Claimer;
  remote: Remote | undefined;
  webhookPort: number | undefined;
}

const DEFAULT_SYNC_INTERVAL = "30s";
const PACK_EVERY_MS = 10 * 60_000;

/**
 * The periodic work of `bead up` (fixed intervals, time/interval.ts): the lease expiry sweep, a heartbeat line, and on
 * a synced board a timed sync, plus, when asked, a webhook that syncs as soon as the server
 * reports a push. Returns the function that stops all of it.
 */
export async function startBackground(options: BackgroundOptions): Promise<() => Promise<void>> {
  // Checked before anything starts: a refusal after the timers were scheduled left them
  // running, and the process ignored the first SIGTERM (issue 14, item 15).
  const webhookHost = options.env.BEAD_WEBHOOK_HOST ?? "0.0.0.0";
  const webhookSecret = options.webhookPort !== undefined && options.remote ? webhookSecretFor(options.env, webhookHost) : undefined;
  const { log, metrics, runtimes } = options;
  const sync = syncer(options);
  const stop = new AbortController();
  const timer = (name: string, everyMs: number, task: () => unknown): IntervalTimer =>
    everyInterval(task, {
      name,
      everyMs,
      signal: stop.signal,
      onSkip: (event) => metrics.record({ event: "tick_skipped", agent: "background", timer: event.name, running_ms: event.runningSinceMs }),
      onError: (error) => log(`${name} failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  const timers: IntervalTimer[] = [
    // Leases run for minutes: a sweep a minute returns a crashed agent's beads soon enough, and
    // reading a 10,000-bead board every 15 s kept an idle `bead up` above 1% CPU.
    timer("expiry sweep", 60_000, async () => {
      await sweepExpired(options.ctx, options.config, metrics, log, options.board);
      await options.claimer.publish();
    }),
    timer("heartbeat", 60_000, () => {
      for (const runtime of runtimes) {
        const status = runtime.status;
        metrics.record({ event: "heartbeat", agent: runtime.name, queued: status.queued, working: status.working });
        log(`${runtime.name}: heartbeat: ${status.working.length} working, ${status.queued} queued`);
      }
    }),
  ];
  // Loose objects from every agent commit, packed now and then (git/pack.ts).
  timers.push(
    timer("packing", PACK_EVERY_MS, async () => {
      const packed = await packLooseObjects(options.ctx.paths.root, options.ctx.paths.gitdir, { signal: stop.signal });
      if (packed.action === "packed") {
        metrics.record({ event: "pack", agent: "background", loose_before: packed.looseBefore, loose_after: packed.looseAfter, by: packed.by });
        log(`packed ${packed.looseBefore - packed.looseAfter} loose objects (${packed.by})`);
      } else if (packed.reason !== "few loose objects") log(`packing skipped: ${packed.reason}`);
    }),
  );
  if (options.remote) timers.push(timer("sync", parseDuration(options.config.syncInterval ?? DEFAULT_SYNC_INTERVAL, "sync_interval"), sync));
  let webhook: { close(): Promise<void> } | undefined;
  if (options.webhookPort !== undefined) {
    if (!options.remote) log("--webhook ignored: this board has no remote to sync with");
    else {
      webhook = await startWebhookServer({ port: options.webhookPort, host: webhookHost, secret: webhookSecret, branch: options.remote.branch, onPush: sync, log });
      if (webhookSecret === undefined) {
        log(`WARNING: webhook WITHOUT a secret, listening on ${webhookHost} only: any process on this machine can trigger a fetch; set ${WEBHOOK_SECRET_ENV} to require signed pushes`);
      }
      log(`webhook listening on port ${options.webhookPort}${webhookSecret === undefined ? ` (${webhookHost}, unsigned)` : ""}`);
    }
  }
  return async () => {
    stop.abort();
    await Promise.all(timers.map((t) => t.stopped));
    await webhook?.close();
  };
}

/** Fetch, merge, push; a failure is one log line, never the end of the loop. */
export function syncer(options: Pick<BackgroundOptions, "ctx" | "remote" | "log" | "runtimes">): () => Promise<void> {
  return async () => {
    if (!options.remote) return;
    try {
      const result = await syncBoard(options.ctx, options.remote);
      if (result.action !== "up-to-date") {
        options.log(`sync: ${result.action}${result.files.length ? ` (${result.files.length} files)` : ""}`);
        for (const runtime of options.runtimes) void runtime.reconcile();
      }
    } catch (error) {
      if (!isBeadboardError(error)) throw error;
      options.log(`sync failed: ${error.message}`);
    }
  };
}
