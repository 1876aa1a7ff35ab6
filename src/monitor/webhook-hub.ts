/**
 * The one webhook entry of a PBX (its config node's route) fans every accepted webhook out to every
 * webhook monitor of that PBX; each filters what it emits itself. Refusals (token, allow-list) go
 * to all of them too, so each shows them in its status as before. No Node-RED in here.
 */
import type { RefusalReason } from "./receiver";
import type { ParsedWebhook } from "./webhook";

export interface HookListener {
  onHook(hook: ParsedWebhook, from: string): void;
  onRefused?(reason: RefusalReason, detail: string, from: string): void;
}

export class WebhookHub {
  readonly #listeners = new Set<HookListener>();

  /** @param path the route's path under the HTTP root ("" when the config node has none) */
  constructor(readonly path: string) {}

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Adds a listener; returns the function that removes it again. */
  add(l: HookListener): () => void {
    this.#listeners.add(l);
    return () => void this.#listeners.delete(l);
  }

  hook(hook: ParsedWebhook, from: string): void {
    for (const l of this.#listeners) {
      try {
        l.onHook(hook, from);
      } catch {
        // one monitor's failure does not keep the event from the others
      }
    }
  }

  refused(reason: RefusalReason, detail: string, from: string): void {
    for (const l of this.#listeners) {
      try {
        l.onRefused?.(reason, detail, from);
      } catch {
        // as above
      }
    }
  }
}
