/**
 * What the browser needs to draw an action node's form, computed at build time from the catalog
 * and the operations table: the offers (grouped, labelled, with their parameters and the
 * TypedInput types each offers), the node's field names and the `defaults` object literal.
 */
import { v20SupportOfAll, type V20Support } from "../backends";
import type { HomeNode, ParamSpec } from "../catalog";
import type { Offer } from "../operations/offers";
import { typesFor, defaultType } from "../operations/field-types";
import { fieldProp, fieldsOf, groupsOf, offersOf, typeProp } from "../operations/offers";

export interface EditorParam {
  readonly name: string;
  readonly type: ParamSpec["type"];
  readonly required: boolean;
  readonly hint: string;
  readonly types: readonly string[];
  readonly pick?: string;
  readonly values?: readonly { value: string; label: string }[];
  readonly open?: boolean;
  readonly encoding?: "onoff" | "01";
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
}

export interface EditorOffer {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly group: string;
  readonly kind: "read" | "write";
  /** For an operation: the catalog method it calls. */
  readonly calls?: string;
  /** How it stands on api v20: the drop-down marks "preview" and "unsupported" when the PBX uses v20. */
  readonly v20: V20Support;
  readonly params: readonly EditorParam[];
}

export interface EditorSpec {
  readonly type: string;
  readonly defaultMethod: string;
  readonly fields: readonly string[];
  readonly offers: readonly EditorOffer[];
}

function editorParam(p: ParamSpec): EditorParam {
  const base = { name: p.name, type: p.type, required: p.required, hint: p.hint, types: typesFor(p), pick: p.pick };
  switch (p.type) {
    case "string":
      return { ...base, maxLength: p.maxLength };
    case "number":
      return { ...base, min: p.min, max: p.max };
    case "boolean":
      return { ...base, encoding: p.encoding };
    case "enum":
      return { ...base, values: p.values, open: p.open };
    case "list":
      return base;
  }
}

/** An offer on V20: its target, and for an operation with a look-up that read too. */
export function offerV20(o: Offer): V20Support {
  return v20SupportOfAll([o.target.name, ...(o.operation?.lookup ? [o.operation.lookup.method] : [])]);
}

export function editorSpec(home: HomeNode): EditorSpec {
  const offers = groupsOf(home).flatMap((g) => g.offers); // the drop-down's order
  return {
    type: `3cx-${home}`,
    defaultMethod: offersOf(home)[0].name,
    fields: fieldsOf(home).map((p) => p.name),
    offers: offers.map((o) => ({
      name: o.name,
      label: o.view.label,
      description: o.view.description,
      group: o.view.group,
      kind: o.view.kind,
      calls: o.operation ? o.target.name : undefined,
      v20: offerV20(o),
      params: o.view.params.map(editorParam),
    })),
  };
}

/**
 * A new node's field: a parameter that some method of the node requires starts as
 * `msg.payload.<param>`, so the form says where its value comes from (and a blank required field,
 * which the editor marks, is a field the user cleared). The others start blank ("not set"). At
 * run time `msg.payload.<param>` reads what a blank field reads (SPEC §4), bare payload included.
 */
export function fieldDefault(home: HomeNode, p: ParamSpec): { readonly value: string; readonly type: string } {
  const required = offersOf(home).some((o) => o.view.params.some((q) => q.name === p.name && q.required));
  return required ? { value: `payload.${p.name}`, type: "msg" } : { value: "", type: defaultType(p) };
}

/**
 * The `defaults` of RED.nodes.registerType as JavaScript source: an inline object literal with
 * identifier keys (the Flow Library scorecard reads it with acorn), validators from the shared
 * editor script.
 */
export function defaultsSource(home: HomeNode): string {
  const type = `3cx-${home}`;
  const q = JSON.stringify;
  const lines = [
    `name: { value: "" }`,
    `server: { value: "", type: "3cx-config", required: true }`,
    `method: { value: ${q(offersOf(home)[0].name)}, validate: ThreeCxEditor.methodValidator(${q(type)}) }`,
  ];
  for (const p of fieldsOf(home)) {
    const d = fieldDefault(home, p);
    lines.push(`${fieldProp(p.name)}: { value: ${q(d.value)}, validate: ThreeCxEditor.fieldValidator(${q(type)}, ${q(p.name)}) }`);
    lines.push(`${typeProp(p.name)}: { value: ${q(d.type)} }`);
  }
  return `{\n      ${lines.join(",\n      ")}\n    }`;
}
