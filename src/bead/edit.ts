/**
 * Surgical edits of a bead file's text (DESIGN §2: a rewrite changes only what it means to
 * change). Pure functions over strings; the caller reads and writes the file.
 */
export { setFields } from "./edit-yaml.js";
export { getSection, setSection } from "./edit-section.js";
