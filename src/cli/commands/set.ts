import { pushWrite } from "../push-write.js";
import { parse } from "yaml";
import { setFields } from "../../bead/edit-yaml.js";
import { changeListItem, replaceBody } from "../../bead/edit-body.js";
import { assertValidId } from "../../bead/ids.js";
import { beadPath } from "../../board/paths.js";
import { editBead, writeContext } from "../../board/write.js";
import { InvalidArgumentError } from "../../errors.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Fields whose meaning depends on the claim protocol; changing them by hand would bypass it. */
const PROTECTED = new Set(["claimed_by", "claimed_at", "lease_until", "id"]);

export async function set(io: CliIo, id: string, assignments: string[] = [], options: GlobalOptions & { body?: string } = {}): Promise<void> {
  assertValidId(id);
  if (assignments.length === 0 && options.body === undefined) throw new InvalidArgumentError("nothing to set: give key=value (key+=item, key-=item for lists) or --body <text|->");
  const changes: Record<string, unknown> = {};
  const listChanges: Array<{ key: string; op: "+" | "-"; item: unknown }> = [];
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(assignment)} (use key= to remove a field, key+=item / key-=item for a list)`);
    const op = assignment[eq - 1] === "+" || assignment[eq - 1] === "-" ? (assignment[eq - 1] as "+" | "-") : undefined;
    const key = assignment.slice(0, op ? eq - 1 : eq);
    const raw = assignment.slice(eq + 1);
    if (!KEY.test(key)) throw new InvalidArgumentError(`${JSON.stringify(key)} is not a field name`);
    if (PROTECTED.has(key)) throw new InvalidArgumentError(`${key} is managed by the claim protocol; use \`bead claim\` / \`bead release\``);
    if (op) {
      if (raw === "") throw new InvalidArgumentError(`${key}${op}= needs an item, e.g. ${key}${op}urgent`);
      listChanges.push({ key, op, item: parseValue(raw) });
      continue;
    }
    const value = raw === "" ? undefined : parseValue(raw);
    // On the parsed value: `status="claimed"` (quoted, as `bead mcp` sends strings) is a claim too.
    if (key === "status" && typeof value === "string" && value.trim() === "claimed") throw new InvalidArgumentError("use `bead claim <id> --as <name>` to claim a bead");
    changes[key] = value;
  }
  const body = options.body === "-" ? await io.readStdin() : options.body;
  const paths = boardFor(io, options);
  const updated = new Date().toISOString();
  const result = await editBead(
    writeContext(paths, io.env),
    id,
    (text, bead) => {
      // List items are added to or removed from the list as it is now, under the lock.
      const all = { ...changes };
      for (const change of listChanges) {
        const list = changeListItem(change.key in all ? all[change.key] : bead.fields[change.key], change.op, change.item);
        if (list === undefined) throw new InvalidArgumentError(`${beadPath(id)}: ${change.key} is not a list, so ${change.key}${change.op}= cannot change it; use ${change.key}=value`);
        all[change.key] = list;
      }
      const withBody = body === undefined ? text : replaceBody(text, body, beadPath(id));
      // Only a real change is stamped and committed: setting a value a bead already has is a no-op.
      const next = setFields(withBody, all, beadPath(id));
      return next === text ? null : setFields(next, { updated }, beadPath(id));
    },
    `set ${id} ${[...assignments, ...(body === undefined ? [] : ["--body"])].join(" ")}`.slice(0, 200),
  );
  if (result.commit) await pushWrite(io, paths);
  io.out(result.commit ? `${id}: updated\n` : `${id}: unchanged\n`);
}

/**
 * `priority=1` is a number, `done=true` a boolean and `labels=[a, b]` a list, as they would be
 * in the file. Anything else is text: `title=Fix: login` must not turn into a map, nor
 * `title=- item` into a list, and anything unparsable stays text too.
 */
function parseValue(raw: string): unknown {
  const flow = /^\s*[[{]/.test(raw);
  try {
    const value: unknown = parse(raw, { maxAliasCount: 0, logLevel: "silent" });
    if (value === null || value === undefined) return raw;
    if (typeof value === "object" && !flow) return raw;
    if (typeof value === "string") return /^\s*["']/.test(raw) ? value : raw;
    return value;
  } catch {
    return raw;
  }
}
