/**
 * Types of the declarative WebAPI catalog. The catalog (methods.ts) is the single source of
 * truth: the client, the parameter resolver, the editor forms, the help and the simulator all
 * read it. Nothing in here knows about Node-RED.
 */

/** The palette node that owns a method (SPEC §2). */
export type HomeNode = "call" | "ext" | "queue" | "contact" | "pbx";

/** A read may be retried; a write (or call control) is sent exactly once. */
export type MethodKind = "read" | "write";

/** Which live PBX list the editor can offer for a field. */
export type PickList = "extension" | "queue" | "group" | "ivr" | "extgroup" | "line";

export interface EnumValue {
  /** The value exactly as the WebAPI expects it on the wire. */
  readonly value: string;
  /** A label for the editor drop-down. */
  readonly label: string;
}

interface ParamBase {
  /** The query parameter name, exactly as the WebAPI spells it. */
  readonly name: string;
  readonly required: boolean;
  /** One line for the editor hint and the help. */
  readonly hint: string;
  /** The editor may offer the PBX's live list of these; writes are checked against it (NOT_FOUND). */
  readonly pick?: PickList;
  /** Names a number that is made by this call (ext.new, queue.new): not checked against the lists. */
  readonly creates?: boolean;
}

/** Free text; sent as it is (URL-encoded). */
export interface StringParam extends ParamBase {
  readonly type: "string";
  /** Maximum length accepted before a request is sent. */
  readonly maxLength?: number;
}

/** A whole number; sent as its decimal text. */
export interface NumberParam extends ParamBase {
  readonly type: "number";
  readonly min?: number;
  readonly max?: number;
}

/** A flag; sent as on/off or 1/0 depending on the method. */
export interface BooleanParam extends ParamBase {
  readonly type: "boolean";
  readonly encoding: "onoff" | "01";
}

/** One of a fixed set of values (a drop-down in the editor). */
export interface EnumParam extends ParamBase {
  readonly type: "enum";
  readonly values: readonly EnumValue[];
  /** Also accept values outside the list (the vocabulary is not fully documented). */
  readonly open?: boolean;
}

/** A list of numbers or names; sent as a comma list ("101,103"). */
export interface ListParam extends ParamBase {
  readonly type: "list";
}

export type ParamSpec = StringParam | NumberParam | BooleanParam | EnumParam | ListParam;

/** What a key of an answer holds, as far as the package's own nodes read it. */
export type ValueKind = "list" | "object" | "value";

/** How a write's (or call control's) answer says that it was done, from the seed's example answer. */
export type SuccessSign =
  /** `{"result": true}` */
  | { readonly by: "result-true" }
  /** A confirmation text in `result`, e.g. `{"result": "Update contact"}`. */
  | { readonly by: "text"; readonly text: string }
  /** These keys are present: an echo of the parameters (`{first, second}`), a new `id`, a `chid`. */
  | { readonly by: "keys"; readonly keys: readonly string[] }
  /** `{"finalStatus": "Success"}` (a makecall variant seen in public code). */
  | { readonly by: "final-status" };

/**
 * What a good answer of the method is (SPEC §4). Every seed answer is a JSON object, so every
 * method answers one; anything else is BAD_RESPONSE (a JSON string: PBX_ERROR).
 */
export interface AnswerSpec {
  /** The top-level keys of the seed's example answer (an installation may add or drop some). */
  readonly keys: readonly string[];
  /** Keys the package's own nodes read: a read that lacks one is passed on with a warning. */
  readonly relied: Readonly<Record<string, ValueKind>>;
  /** Writes and call control: how success is said (the seed's way first). */
  readonly success?: readonly SuccessSign[];
}

export interface MethodSpec {
  /** Our name for the method: the WebAPI path, or "info" for the license call. */
  readonly name: string;
  /** The path after /webapi/{key}/ ("" for the license call). */
  readonly path: string;
  readonly node: HomeNode;
  readonly kind: MethodKind;
  /** A task-shaped label for the editor ("Make a call"). */
  readonly label: string;
  /** One line: what it does. */
  readonly description: string;
  /** Drop-down group within the node. */
  readonly group: string;
  readonly params: readonly ParamSpec[];
  readonly answer: AnswerSpec;
}
