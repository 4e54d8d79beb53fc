import { watch, statSync, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { isBeadFileName } from "./bead-files.js";
import { assemble, loadBoard, type BeadFileEntry as Entry, type Board } from "./load.js";
import type { BoardPaths } from "./paths.js";

/**
 * The board as a long-running process (`bead up`) sees it: loaded once, then kept current from
 * file events. loadBoard proves every file unchanged (10,000 stat calls and the parsed cache read
 * back: ~100 ms at 10,000 beads), and an agent looked at the board that way after every event,
 * twice (routing, then its own work): most of the time between a person's save and the claim.
 * Here a look re-reads only the files named by events since the last one.
 *
 * Events are hints, the files are the truth: without a watcher every look is a full load, and
 * `changed()` without a name (a timed safety-net look, an event that names no file) makes the
 * next look a full load too.
 */
export class LiveBoard {
  private entries = new Map<string, Entry>();
  private board: Board | undefined;
  private readonly changedNames = new Set<string>();
  private everything = true;
  private refreshing: Promise<Board> | undefined;
  private watcher: FSWatcher | undefined;
  private readonly listeners = new Set<(name: string | undefined) => void>();

  constructor(readonly paths: BoardPaths) {}

  /**
   * Watch beads/ with the OS's own notifications (inotify, FSEvents, ReadDirectoryChangesW):
   * they name the file at once, where chokidar first re-reads the whole directory (~170 ms at
   * 10,000 files). `onChange` listeners hear of every event (with the file's name, where the OS
   * gives it) after it is marked.
   */
  watch(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.paths.beadsDir, { persistent: false }, (_event, filename) => {
        this.changed(filename ?? undefined);
        for (const listener of this.listeners) listener(filename ?? undefined);
      });
      this.watcher.on("error", () => this.unwatch());
      // What changed before the watch began went unreported: the next look is a full one.
      this.everything = true;
    } catch {
      this.watcher = undefined; // no beads/ yet, or no watching here: every look stays a full load
    }
  }

  unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.everything = true;
  }

  onChange(listener: (name: string | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A file in beads/ changed (by name), or possibly anything did (no name): the next look sees it. */
  changed(name?: string): void {
    if (name === undefined) this.everything = true;
    else if (isBeadFileName(name)) this.changedNames.add(name);
  }

  /** The board now. Concurrent callers share one refresh; a change marked during it is seen by the next. */
  current(): Promise<Board> {
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<Board> {
    if (this.everything || !this.board || !this.watcher) {
      this.everything = false;
      this.changedNames.clear();
      const board = await loadBoard(this.paths);
      this.entries = new Map<string, Entry>();
      for (const bead of board.beads) this.entries.set(fileName(bead.path), { bead });
      for (const problem of board.problems) this.entries.set(fileName(problem.path), { problem });
      this.board = board;
      return board;
    }
    if (this.changedNames.size === 0) return this.board;
    const names = [...this.changedNames];
    this.changedNames.clear();
    const { readBeadEntry } = await import("./read-bead.js");
    for (const name of names) {
      const stat = statSync(join(this.paths.beadsDir, name), { throwIfNoEntry: false });
      const entry: Entry = stat?.isFile() ? readBeadEntry(this.paths.beadsDir, name, stat.mtimeMs) : {};
      if (entry.bead || entry.problem) this.entries.set(name, entry);
      else this.entries.delete(name);
    }
    // The same order as loadBoard: by file name.
    this.board = assemble(this.paths, [...this.entries.keys()].sort().map((name) => this.entries.get(name)));
    return this.board;
  }
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
