/**
 * One token manager per PBX and service principal in the whole process (v20.md §1: a new token may
 * invalidate the previous one, so two config nodes, or Test connection, with the same principal
 * must share it). Entries are reference-counted; the last release forgets the token.
 */
import crypto from "node:crypto";
import { TokenManager, type RawToken } from "./token";

/** Whoever can send the token request right now (an open client of this principal). */
export type TokenSender = () => Promise<RawToken>;

interface Entry {
  readonly manager: TokenManager;
  readonly senders: Set<TokenSender>;
  readonly listeners: Set<(token: string) => void>;
}

const ENTRIES = new Map<string, Entry>();

/** The secret never sits in a map key as text. */
function keyOf(baseUrl: string, clientId: string, apiKey: string): string {
  return crypto.createHash("sha256").update(`${baseUrl}\n${clientId}\n${apiKey}`).digest("hex");
}

export interface SharedTokens {
  readonly manager: TokenManager;
  release(): void;
}

export function acquireTokens(
  baseUrl: string, clientId: string, apiKey: string, send: TokenSender, onToken: (token: string) => void, now?: () => number,
): SharedTokens {
  const key = keyOf(baseUrl, clientId, apiKey);
  let entry = ENTRIES.get(key);
  if (!entry) {
    const senders = new Set<TokenSender>();
    const listeners = new Set<(token: string) => void>();
    const manager = new TokenManager({
      now,
      fetch: () => {
        const first = senders.values().next().value as TokenSender | undefined;
        if (!first) return Promise.reject(new Error("no open V20 client for this principal"));
        return first();
      },
      onToken: (t) => { for (const l of listeners) l(t); },
    });
    entry = { manager, senders, listeners };
    ENTRIES.set(key, entry);
  }
  const e = entry;
  e.senders.add(send);
  e.listeners.add(onToken);
  const held = e.manager.current;
  if (held) onToken(held);
  let released = false;
  return {
    manager: e.manager,
    release() {
      if (released) return;
      released = true;
      e.senders.delete(send);
      e.listeners.delete(onToken);
      if (e.senders.size === 0) {
        e.manager.clear();
        ENTRIES.delete(key);
      }
    },
  };
}

/** Principals with a live entry (tests check that closing releases them). */
export function sharedTokenCount(): number {
  return ENTRIES.size;
}
