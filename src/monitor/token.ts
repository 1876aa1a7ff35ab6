/**
 * Compares a presented webhook token with the configured one in constant time: both are hashed
 * first, so neither the content nor the length of the secret leaks through timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

export function tokenMatches(presented: string | undefined, expected: string): boolean {
  // Hash even a missing token, so "absent" costs the same as "wrong".
  const ok = timingSafeEqual(digest(presented ?? ""), digest(expected));
  return ok && presented !== undefined;
}
