/** Waiting between attempts of a read: exponential backoff with jitter, or the server's Retry-After. */

import type { StopSignal } from "./runs";

/** Delay before attempt `attempt + 1`: base·2^(attempt-1), scaled by a random 50–100 %. */
export function backoffDelay(attempt: number, baseMs: number): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() * 0.5));
}

/** Retry-After (seconds or an HTTP date) in ms, or undefined when absent or unreadable. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Resolves after `ms`, or as soon as `signal` aborts; leaves no timer or listener behind. */
export function sleep(ms: number, signal: StopSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
