export { appendNotes, type MemoryNote } from "./notes.js";
export { datedSections, type DatedSection } from "./sections.js";
export { fitToBudget } from "./budget.js";
export { applyCut, applySummary, planCompaction, type CompactionPlan } from "./compact.js";
