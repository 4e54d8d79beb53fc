import { parse } from "node-cron";
import { describe, expect, it } from "vitest";
import { instanceText } from "../../src/recur/instance.js";
import { latestSlot, scheduleFrom, slotBeadId } from "../../src/time/slots.js";

const at = (iso: string) => Date.parse(iso);
const weekdays9 = scheduleFrom(parse("0 9 * * 1-5"))!;

describe("recurring slots (UTC)", () => {
  it("finds the latest slot in (after, now], and none outside it", () => {
    // 2026-12-07 is a Monday.
    expect(latestSlot(weekdays9, at("2026-12-07T08:59:00Z"), at("2026-12-07T09:00:30Z"))).toBe(at("2026-12-07T09:00:00Z"));
    expect(latestSlot(weekdays9, at("2026-12-07T09:00:00Z"), at("2026-12-07T09:10:00Z"))).toBeUndefined();
    expect(latestSlot(weekdays9, at("2026-12-05T00:00:00Z"), at("2026-12-06T23:59:00Z"))).toBeUndefined(); // a weekend
  });

  it("ORs the day fields when both are restricted, as cron does", () => {
    const schedule = scheduleFrom(parse("0 0 1 * 1"))!; // the 1st, or a Monday
    expect(latestSlot(schedule, at("2026-12-06T12:00:00Z"), at("2026-12-07T00:00:00Z"))).toBe(at("2026-12-07T00:00:00Z"));
    expect(latestSlot(schedule, at("2026-12-31T12:00:00Z"), at("2027-01-01T00:00:00Z"))).toBe(at("2027-01-01T00:00:00Z"));
  });

  it("refuses L days, and names slots the same everywhere", () => {
    expect(scheduleFrom(parse("0 9 L * *"))).toBeUndefined();
    expect(slotBeadId("standup", at("2026-12-07T09:00:00Z"))).toBe("standup-20261207-0900");
  });

  it("makes an open instance without the schedule or a past claim, keeping the person's body and fields", () => {
    const template = '---\ntitle: Standup report   # daily\nschedule: "0 9 * * 1-5"\nlabels: [ops]\nattempts: 2\n---\nSummarize yesterday.\n';
    const text = instanceText(template, "standup", "standup-20261207-0900", at("2026-12-07T09:00:00Z"));
    expect(text).toBe("---\ntitle: Standup report   # daily\nlabels: [ops]\nstatus: open\ncreated: 2026-12-07T09:00:00.000Z\nrecurs_from: standup\nslot: 2026-12-07T09:00:00.000Z\n---\nSummarize yesterday.\n");
  });
});
