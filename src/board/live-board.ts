import { statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { isBeadFileName, listBeadFiles } from "./bead-files.js";
import { assemble, fileStamp, loadBoardStamped, withArchivedDeps, type BeadFileEntry as Entry, type Board } from "./load.js";
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
 * next look a full one: every file is stat'ed against the stamp its entry was read under, and
 * those that differ are read again.
 */
export class LiveBoard {
  private entries = new Map<string, Entry>();
  /** The stamp (board/load.ts#fileStamp) each entry was read under. */
  private stamps = new Map<string, string>();
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
    if (!this.board || !this.watcher) {
      this.everything = false;
      this.changedNames.clear();
      const { board, stamps } = await loadBoardStamped(this.paths);
      this.entries = new Map<string, Entry>();
      for (const bead of board.beads) this.entries.set(fileName(bead.path), { bead });
      for (const problem of board.problems) this.entries.set(fileName(problem.path), { problem });
      this.stamps = stamps;
      this.board = board;
      return board;
    }
    let names: string[];
    const fullLook = this.everything;
    if (fullLook) {
      // A full look: every file against the stamp its entry was read under (the stat calls of
      // loadBoard, without reading its 3 MB cache back); those that differ are read again.
      this.everything = false;
      this.changedNames.clear();
      names = listBeadFiles(this.paths.beadsDir);
      const listed = new Set(names);
      for (const name of this.entries.keys()) if (!listed.has(name)) names.push(name);
    } else {
      if (this.changedNames.size === 0) return this.board;
      names = [...this.changedNames];
      this.changedNames.clear();
    }
    if (await this.reread(names, fullLook)) {
      // The same order as loadBoard: by file name.
      this.board = await withArchivedDeps(assemble(this.paths, [...this.entries.keys()].sort().map((name) => this.entries.get(name))));
    }
    return this.board;
  }

  /**
   * Read `names` again: all of them after events named them, or (`onlyChanged`, a full look)
   * those whose stat data differs from the stamp their entry was read under. True if any entry
   * changed.
   */
  private async reread(names: readonly string[], onlyChanged: boolean): Promise<boolean> {
    const { readBeadEntry } = await import("./read-bead.js");
    const readAtMs = Date.now();
    let changed = false;
    for (const name of names) {
      const stat = statSync(join(this.paths.beadsDir, name), { throwIfNoEntry: false });
      const stamp = stat?.isFile() ? fileStamp(stat, readAtMs) : undefined;
      // A racy stamp (a file saved too recently to trust its stat data) never counts as unchanged.
      if (onlyChanged && stamp !== undefined && stamp === this.stamps.get(name) && !stamp.startsWith("racy:")) continue;
      changed = true;
      const entry: Entry = stat && stamp !== undefined ? readBeadEntry(this.paths.beadsDir, name, stat.mtimeMs) : {};
      if ((entry.bead || entry.problem) && stamp !== undefined) {
        this.entries.set(name, entry);
        this.stamps.set(name, stamp);
      } else {
        this.entries.delete(name);
        this.stamps.delete(name);
      }
    }
    return changed;
  }
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
