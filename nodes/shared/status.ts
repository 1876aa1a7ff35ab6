/**
 * The action node's status: blue dot "requesting" while requests are in flight (with a count when
 * several), a short green result that clears itself after a few seconds, a red ring with the
 * error's code. Texts come from the node's message catalog (`<type>.status.*`).
 *
 * Every status is a message to each open editor. Under load the in-flight count would change
 * twice per message, thousands of times a second, so while busy it is shown at most every
 * BUSY_REFRESH_MS (the first "requesting" at once, the count as it stands at the end of each
 * interval). The result and errors are shown at once.
 */
import type { Node, NodeAPI } from "node-red";

export const RESULT_CLEAR_MS = 3000;
export const BUSY_REFRESH_MS = 200;
const MAX_TEXT = 20;

type Translate = NodeAPI["_"];

/** A few characters that say what the answer was, e.g. "ok", "Drop", "10 items". */
export function shortResult(data: unknown, t: (key: string, opts?: Record<string, string | number>) => string): string {
  let text = t("status.ok");
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    const obj = data as Record<string, unknown>;
    const result = obj.result;
    const list = Object.values(obj).find((v): v is unknown[] => Array.isArray(v));
    if (typeof result === "string" || typeof result === "number") text = String(result);
    else if (result === false) text = t("status.false");
    else if (typeof obj.count === "number") text = t("status.items", { count: obj.count });
    else if (list) text = t("status.items", { count: list.length });
  }
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

type Translator = (key: string, opts?: Record<string, string | number>) => string;

/** Status texts repeat (one per key and count) and i18next is slow (plural rules on every count). */
const MEMO_MAX = 256;

function memoTranslate(t: Translator): Translator {
  const memo = new Map<string, string>();
  return (key, opts) => {
    const id = opts === undefined ? key : `${key}\u0000${JSON.stringify(opts)}`;
    let text = memo.get(id);
    if (text === undefined) {
      text = t(key, opts);
      if (memo.size >= MEMO_MAX) memo.clear(); // a bound, should counts ever run wide
      memo.set(id, text);
    }
    return text;
  };
}

export class StatusTracker {
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined; // clears the result
  private refresh: NodeJS.Timeout | undefined; // shows the count at the end of a busy interval
  private busyShownAt = -Infinity;
  private shown = ""; // the busy text on display ("" when the status is anything else)
  private readonly t: Translator;

  constructor(private readonly node: Node, translate: Translate, type: string) {
    this.t = memoTranslate((key, opts) => translate(`${type}.${key}`, opts));
  }

  begin(): void {
    this.inFlight++;
    this.showBusy();
  }

  succeed(data: unknown): void {
    this.inFlight--;
    if (this.inFlight > 0) return this.showBusy();
    this.set({ fill: "green", shape: "dot", text: shortResult(data, this.t) });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.node.status({});
    }, RESULT_CLEAR_MS);
  }

  /** `wasSent`: the error came from a request in flight (so the count goes down). */
  fail(code: string, wasSent: boolean): void {
    if (wasSent) this.inFlight--;
    this.set({ fill: "red", shape: "ring", text: code });
  }

  problem(key: string): void {
    this.set({ fill: "red", shape: "ring", text: this.t(key) });
  }

  close(): void {
    this.clearTimers();
    this.inFlight = 0;
    this.shown = "";
    this.node.status({});
  }

  /** Shows the count now if the last busy status is old enough, else once the interval is over. */
  private showBusy(): void {
    if (this.refresh) return; // due soon: it shows the count as it is then
    const wait = this.busyShownAt + BUSY_REFRESH_MS - performance.now();
    if (wait <= 0 || this.shown === "") return this.showRequesting();
    this.refresh = setTimeout(() => {
      this.refresh = undefined;
      if (this.inFlight > 0) this.showRequesting();
    }, wait);
  }

  private showRequesting(): void {
    const text = this.inFlight > 1 ? this.t("status.requestingMany", { count: this.inFlight }) : this.t("status.requesting");
    this.busyShownAt = performance.now();
    if (text === this.shown) return;
    this.clearTimers();
    this.node.status({ fill: "blue", shape: "dot", text });
    this.shown = text;
  }

  private set(status: { fill: "red" | "green"; shape: "dot" | "ring"; text: string }): void {
    this.clearTimers();
    this.shown = "";
    this.node.status(status);
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.refresh) clearTimeout(this.refresh);
    this.timer = undefined;
    this.refresh = undefined;
  }
}
