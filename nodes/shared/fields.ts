/**
 * Editor fields, prepared once per deploy: literal values are read (and JSON, JSONata, env
 * expressions parsed) at construction; only msg / flow / global / JSONata sources are evaluated
 * per message. A field whose stored expression cannot be parsed is kept as "broken" and reported
 * (naming the field) only when a message needs it.
 */
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { CHOICE_TYPE } from "../../src/operations/field-types";

export type PreparedField =
  | { readonly kind: "blank" }
  | { readonly kind: "constant"; readonly value: unknown }
  | { readonly kind: "dynamic"; read(msg: NodeMessage): Promise<unknown> }
  | { readonly kind: "broken"; readonly problem: string };

const BLANK: PreparedField = { kind: "blank" };
const constant = (value: unknown): PreparedField => ({ kind: "constant", value });

function callbackToPromise(run: (cb: (err: Error | null, value: unknown) => void) => void): Promise<unknown> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))));
}

/** JSONata throws plain objects with a message. */
function message(err: unknown): string {
  const m = typeof err === "object" && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof m === "string" ? m : String(err);
}

export function prepareField(RED: NodeAPI, node: Node, raw: unknown, type: string): PreparedField {
  const text = raw === undefined || raw === null ? "" : String(raw);
  if (text === "") return BLANK;
  try {
    switch (type) {
      case "str":
      case CHOICE_TYPE:
        return constant(text);
      case "num": {
        const n = Number(text);
        // Text that is not a number goes to the resolver as it is, so its error names the field.
        return constant(text.trim() !== "" && Number.isFinite(n) ? n : text);
      }
      case "bool":
        return constant(/^true$/i.test(text));
      case "json":
        return constant(JSON.parse(text));
      case "env":
        return constant(RED.util.evaluateNodeProperty(text, "env", node, {}));
      case "msg": {
        RED.util.normalisePropertyExpression(text); // throws on bad syntax, once
        return {
          kind: "dynamic",
          read: (msg) => {
            try {
              return Promise.resolve(RED.util.getMessageProperty(msg, text));
            } catch {
              return Promise.resolve(undefined); // a missing parent (msg.a.b without msg.a) is blank
            }
          },
        };
      }
      case "flow":
      case "global":
        return {
          kind: "dynamic",
          read: (msg) => callbackToPromise((cb) => RED.util.evaluateNodeProperty(text, type, node, msg, cb)),
        };
      case "jsonata": {
        const expr = RED.util.prepareJSONataExpression(text, node);
        return { kind: "dynamic", read: (msg) => callbackToPromise((cb) => RED.util.evaluateJSONataExpression(expr, msg, cb)) };
      }
      default:
        return { kind: "broken", problem: `has an unknown source type "${type}"` };
    }
  } catch (err) {
    return { kind: "broken", problem: `is not a valid ${type} expression (${message(err)})` };
  }
}
