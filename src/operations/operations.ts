/**
 * Friendly operations: task-shaped entries of a node's method drop-down that map onto a catalog
 * method with some parameters fixed, renamed or looked up first (SPEC §2 allows them as long as
 * the method's home node keeps it too). Declared here as data; the runtime, the editor forms and
 * the help all read this table, so adding one is one entry.
 *
 * Names are ours and can never be WebAPI names: WebAPI methods are bare words (`makecall`) or
 * `<area>.<thing>.<verb>` ending in get/set/new/del/update/find/reset/reread, and every operation
 * name is `<noun>.<verb>[.all]` under a prefix the WebAPI does not use (`agent.`, `call.`);
 * test/nodes/actions checks both.
 */
import type { HomeNode } from "../catalog";

/** Fetch one parameter's value from another (read) method when the message leaves it blank. */
export interface Lookup {
  /** The target method's wire parameter to fill. */
  readonly param: string;
  /** The read method to ask (catalog name). */
  readonly method: string;
  /** Its wire parameters, each taken from this wire parameter of the target call. */
  readonly args: Readonly<Record<string, string>>;
  /** Where the value sits in the answer, e.g. ["devices", 0, "contact"]. */
  readonly path: readonly (string | number)[];
  /** Error code when the answer has no such value. */
  readonly missingCode: string;
}

export interface Operation {
  /** Our name, offered in the drop-down and accepted as msg.method. */
  readonly name: string;
  /** The palette node that offers it. */
  readonly node: HomeNode;
  /** The catalog method it calls. */
  readonly method: string;
  readonly label: string;
  readonly description: string;
  readonly group: string;
  /** Wire parameters the operation sets itself (not shown in the form). */
  readonly fixed?: Readonly<Record<string, string>>;
  /** Operation parameter name → the target's wire name, where the task reads better renamed. */
  readonly rename?: Readonly<Record<string, string>>;
  /** Hints replacing the target's, by operation parameter name. */
  readonly hints?: Readonly<Record<string, string>>;
  readonly lookup?: Lookup;
}

const FIRST_DEVICE: Omit<Lookup, "param"> = {
  method: "ext.devices.get",
  args: { num: "num" },
  path: ["devices", 0, "contact"],
  missingCode: "NO_DEVICE",
};
const AUTO_CONTACT_HINT = "Device contact; blank = the extension's first device (from ext.devices.get)";

const agent = (name: string, method: string, log: "on" | "off", label: string, description: string): Operation => ({
  name, node: "queue", method, label, description, group: "Agent login",
  fixed: { log }, rename: { agent: "num" }, hints: { agent: "Agent extension" },
});

const onDevice = (name: string, method: string, label: string, description: string): Operation => ({
  name, node: "call", method, label, description, group: "Call control (device found for you)",
  hints: { contact: AUTO_CONTACT_HINT },
  lookup: { param: "contact", ...FIRST_DEVICE },
});

export const OPERATIONS: readonly Operation[] = [
  agent("agent.login", "ext.queue.set", "on", "Log agent into a queue", "Logs the agent into one queue (`ext.queue.set` with `log=on`)."),
  agent("agent.logout", "ext.queue.set", "off", "Log agent out of a queue", "Logs the agent out of one queue (`ext.queue.set` with `log=off`)."),
  agent("agent.login.all", "ext.queueglobal.set", "on", "Log agent into all queues",
    "Global queue login of the agent (`ext.queueglobal.set` with `log=on`)."),
  agent("agent.logout.all", "ext.queueglobal.set", "off", "Log agent out of all queues",
    "Global queue logout of the agent (`ext.queueglobal.set` with `log=off`)."),
  onDevice("call.answer", "answer", "Answer a ringing call (find the device)",
    "Like `answer`, but when `contact` is blank the extension's first device (from `ext.devices.get`) is used."),
  onDevice("call.drop", "drop", "Hang up a call (find the device)",
    "Like `drop`, but when `contact` is blank the extension's first device (from `ext.devices.get`) is used."),
  onDevice("call.transfer", "transfer", "Transfer a call (find the device)",
    "Like `transfer`, but when `contact` is blank the extension's first device (from `ext.devices.get`) is used."),
];

export function operationsOf(node: HomeNode): readonly Operation[] {
  return OPERATIONS.filter((o) => o.node === node);
}
