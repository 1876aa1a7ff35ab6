/**
 * Which TypedInput types an editor field offers, by the catalog type of its parameter. Shared by
 * the editor generator (types, defaults) and the runtime (how a stored value is read).
 */
import type { ParamSpec } from "../catalog";

/** Our custom TypedInput type: a value picked from the parameter's drop-down (stored as text). */
export const CHOICE_TYPE = "choice";

/** Types whose value is fixed in the node (read once per deploy). */
export const LITERAL_TYPES: ReadonlySet<string> = new Set(["str", "num", "bool", "json", CHOICE_TYPE]);

const SOURCES = ["msg", "flow", "global", "env", "jsonata"] as const;

export function typesFor(p: ParamSpec): readonly string[] {
  switch (p.type) {
    case "string":
      return ["str", "num", ...SOURCES];
    case "number":
      return ["num", ...SOURCES];
    case "boolean":
      return [CHOICE_TYPE, "bool", ...SOURCES];
    case "enum":
      return p.open ? [CHOICE_TYPE, "str", ...SOURCES] : [CHOICE_TYPE, ...SOURCES];
    case "list":
      return ["str", "json", ...SOURCES];
  }
}

export function defaultType(p: ParamSpec): string {
  return typesFor(p)[0];
}
