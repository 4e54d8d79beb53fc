/**
 * When a recurring bead is due, from a cron pattern parsed by node-cron (`parse`), in UTC so that
 * every clone of a board, wherever it runs, computes the same slots. Pure: no clock, no I/O.
 */
export interface CronFields {
  minute: number[];
  hour: number[];
  dayOfMonth: Array<number | string>;
  month: number[];
  dayOfWeek: Array<number | string>;
}

export interface Schedule {
  minute: Set<number>;
  hour: Set<number>;
  dayOfMonth: Set<number>;
  month: Set<number>;
  dayOfWeek: Set<number>;
  /** Cron's rule: when both day fields are restricted, either may match. */
  eitherDay: boolean;
}

const MINUTE_MS = 60_000;
/** At most this many minutes are looked at per call: a long pause is caught up on its latest slot only. */
export const MAX_LOOKBACK_MINUTES = 24 * 60;

/** A Schedule from node-cron's fields; undefined when the pattern uses what we do not support (L, #). */
export function scheduleFrom(fields: CronFields): Schedule | undefined {
  const numbers = (values: Array<number | string>) => (values.every((value) => typeof value === "number") ? new Set(values as number[]) : undefined);
  const dayOfMonth = numbers(fields.dayOfMonth);
  const dayOfWeek = numbers(fields.dayOfWeek);
  if (dayOfMonth === undefined || dayOfWeek === undefined) return undefined;
  if (dayOfWeek.has(7)) dayOfWeek.add(0);
  return {
    minute: new Set(fields.minute),
    hour: new Set(fields.hour),
    dayOfMonth,
    month: new Set(fields.month),
    dayOfWeek,
    eitherDay: dayOfMonth.size < 31 && dayOfWeek.size < 7,
  };
}

export function matchesMinute(schedule: Schedule, ms: number): boolean {
  const date = new Date(ms);
  if (!schedule.minute.has(date.getUTCMinutes()) || !schedule.hour.has(date.getUTCHours()) || !schedule.month.has(date.getUTCMonth() + 1)) return false;
  const dom = schedule.dayOfMonth.has(date.getUTCDate());
  const dow = schedule.dayOfWeek.has(date.getUTCDay());
  return schedule.eitherDay ? dom || dow : dom && dow;
}

/** The latest slot (a whole minute) in (afterMs, atMs], or undefined. */
export function latestSlot(schedule: Schedule, afterMs: number, atMs: number): number | undefined {
  const floor = Math.max(afterMs, atMs - MAX_LOOKBACK_MINUTES * MINUTE_MS);
  for (let minute = Math.floor(atMs / MINUTE_MS) * MINUTE_MS; minute > floor; minute -= MINUTE_MS) {
    if (matchesMinute(schedule, minute)) return minute;
  }
  return undefined;
}

/** The id of a template's bead for one slot: the same on every clone, so a slot is made once. */
export function slotBeadId(templateId: string, slotMs: number): string {
  const iso = new Date(slotMs).toISOString(); // 2026-12-07T09:00:00.000Z
  return `${templateId}-${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 16).replace(":", "")}`;
}
