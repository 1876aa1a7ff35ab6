/**
 * Watch lists as people write them: "100, 101; 105-119 200". A range of numbers expands to every
 * number in it (width kept: "0100-0102" → 0100, 0101, 0102). What is not a valid range stays an
 * entry as written, so the PBX (or the editor's check against its lists) says what is wrong.
 */
import { parseList } from "./fetch";

/** The largest range taken (a typo such as 100-10000 must not become 10 000 reads). */
export const MAX_RANGE = 1000;

export interface WatchList {
  readonly nums: string[];
  /** Ranges not expanded, with why (reversed or too large). */
  readonly problems: string[];
}

const RANGE = /^(\d+)\s*-\s*(\d+)$/;

export function parseWatchList(v: unknown): WatchList {
  // Join "100 - 119" before splitting on blanks.
  const text = Array.isArray(v) ? v.join(",") : typeof v === "string" || typeof v === "number" ? String(v) : "";
  const nums: string[] = [];
  const problems: string[] = [];
  for (const item of parseList(text.replace(/(\d)\s*-\s*(\d)/g, "$1-$2"))) {
    const m = RANGE.exec(item);
    if (!m) {
      nums.push(item);
      continue;
    }
    const [from, to] = [Number(m[1]), Number(m[2])];
    const width = m[1].length === m[2].length ? m[1].length : 0;
    if (to < from) problems.push(`${item}: the range runs backwards`);
    else if (to - from + 1 > MAX_RANGE) problems.push(`${item}: more than ${MAX_RANGE} numbers`);
    else for (let n = from; n <= to; n++) nums.push(String(n).padStart(width, "0"));
  }
  return { nums: [...new Set(nums)], problems };
}
