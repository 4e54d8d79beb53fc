/** What `bead models pull` prints about a download. Pure: the clock is passed in. */

const UNITS = ["B", "KB", "MB", "GB", "TB"];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** `412.0 MB / 1.1 GB (37%)  12.3 MB/s  ETA 57s`; rate and ETA count only this session's bytes. */
export function progressLine(done: number, total: number, sessionBytes: number, elapsedMs: number): string {
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  const rate = elapsedMs > 0 ? sessionBytes / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  return `${formatBytes(done)} / ${formatBytes(total)} (${percent}%)  ${formatBytes(Math.round(rate))}/s  ETA ${formatSeconds(eta)}`;
}

/**
 * When to print: on a terminal at most every `ttyEveryMs` (the line is redrawn), otherwise a
 * plain line at each further tenth of the file, so logs stay short.
 */
export function progressReporter(tty: boolean, now: () => number, write: (text: string) => void, ttyEveryMs = 250) {
  let startedAt = now();
  let startBytes = 0;
  let lastPrint = Number.NEGATIVE_INFINITY;
  let lastTenth = -1;
  return {
    begin(fromBytes: number): void {
      startedAt = now();
      startBytes = fromBytes;
    },
    update(done: number, total: number): void {
      const t = now();
      const line = progressLine(done, total, done - startBytes, t - startedAt);
      if (tty) {
        if (t - lastPrint < ttyEveryMs && done < total) return;
        lastPrint = t;
        write(`\r${line}\u001b[K${done >= total ? "\n" : ""}`);
        return;
      }
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      write(`${line}\n`);
    },
  };
}
