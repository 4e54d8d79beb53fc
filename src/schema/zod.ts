/**
 * zod for every schema in beadboard: import it as `import * as z from "../schema/zod.js"`,
 * never from zod's own entry points directly.
 *
 * Why zod/mini and not zod's classic API: classic zod hands out one `z` namespace
 * object with every schema, method and all ~60 locales hanging off it, so a bundle can drop none
 * of it (~680 KB, ~35 ms of a `bead set`). zod/mini is the same engine with functions instead of
 * methods, so the bundle keeps only what the schemas use.
 *
 * Why this module: classic zod installs English messages the first time a schema is built;
 * zod/mini installs none, and its messages degrade to "Invalid input". People read these
 * messages (`agents/x.md:3: concurrency: Invalid input: expected number, received string`) and
 * so do models re-asked after a bad reply, so English is installed here, once, before any schema
 * module builds a schema. Only English: the other locales stay out of the bundle.
 *
 * Re-exported name by name (`export *`), never as one `z` object: a namespace object that
 * escapes is exactly what keeps a bundler from dropping the unused parts.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
