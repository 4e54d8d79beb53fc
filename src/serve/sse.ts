import { watch, type FSWatcher } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import type { LiveBoard } from "../board/live-board.js";
import { SECURITY_HEADERS } from "./http.js";

/** At most this many pages listen at once; one more is refused rather than let memory grow. */
const MAX_CLIENTS = 64;
/** Events closer together than this reach the page as one. */
const COALESCE_MS = 30;
/** A comment line this often keeps proxies and the browser from closing an idle stream. */
const KEEPALIVE_MS = 20_000;

/**
 * Server-Sent Events: each open page hears "board" when a bead file changes (the live board's
 * file events) or a ref moves (a commit, a sync, a person's git command), and fetches the board
 * again. No polling: the OS's file notifications drive everything.
 */
export class BoardEvents {
  private readonly clients = new Set<ServerResponse>();
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(private readonly live: LiveBoard, private readonly gitdir: string) {}

  start(): void {
    this.live.watch();
    this.live.onChange(() => this.soon());
    // Refs: a commit moves refs/heads/<branch>; a sync moves refs/remotes/…; packed-refs and HEAD live in the gitdir.
    for (const dir of [this.gitdir, join(this.gitdir, "refs", "heads"), join(this.gitdir, "refs", "remotes")]) {
      try {
        const watcher = watch(dir, { persistent: false, recursive: dir !== this.gitdir }, (_event, name) => {
          if (dir === this.gitdir && name !== "HEAD" && name !== "packed-refs" && name !== "FETCH_HEAD") return;
          this.live.changed(); // a checkout or merge may have rewritten bead files too
          this.soon();
        });
        watcher.on("error", () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // no refs/remotes yet: a board without a remote
      }
    }
    this.keepAlive = setInterval(() => this.write(": keep-alive\n\n"), KEEPALIVE_MS);
    this.keepAlive.unref();
  }

  stop(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers.length = 0;
    clearTimeout(this.timer);
    clearInterval(this.keepAlive);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  /** GET /api/events. */
  attach(res: ServerResponse): boolean {
    if (this.clients.size >= MAX_CLIENTS) return false;
    res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive" });
    res.write(`retry: 1000\nevent: hello\ndata: ${this.seq}\n\n`);
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
    return true;
  }

  /** Something changed: tell the pages, once per burst of events. */
  soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.seq++;
      this.write(`event: board\ndata: ${this.seq}\n\n`);
    }, COALESCE_MS);
    this.timer.unref();
  }

  private write(text: string): void {
    for (const client of this.clients) client.write(text);
  }
}
