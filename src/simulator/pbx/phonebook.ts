/**
 * contact.find matching, as the vendor describes it (reference §1.8), over the digits of every
 * phone-number field (not e-mail):
 *   1. exact matches;
 *   2. else entries with a number that ends with the searched number (only if min_len <= its length);
 *   3. else the entries sharing the longest common tail, if that tail has at least min_len digits
 *      (only when 0 < min_len < the searched number's length).
 * Ids come back in ascending order.
 */
import { CONTACT_NUMBER_FIELDS, type Contact } from "./model";

const digits = (s: string): string => s.replace(/\D/g, "");

function commonTail(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

export function findContacts(contacts: Iterable<Contact>, num: string, minLen = 0): number[] {
  const wanted = digits(num);
  if (wanted === "") return [];
  const entries = [...contacts]
    .map((c) => ({ id: c.id, numbers: CONTACT_NUMBER_FIELDS.map((f) => digits(c[f])).filter((d) => d !== "") }))
    .sort((a, b) => a.id - b.id);

  const exact = entries.filter((e) => e.numbers.includes(wanted));
  if (exact.length > 0 || minLen > wanted.length) return exact.map((e) => e.id);

  const endsWith = entries.filter((e) => e.numbers.some((n) => n.endsWith(wanted)));
  if (endsWith.length > 0 || minLen <= 0 || minLen >= wanted.length) return endsWith.map((e) => e.id);

  const tails = entries.map((e) => ({ id: e.id, tail: Math.max(0, ...e.numbers.map((n) => commonTail(n, wanted))) }));
  const best = Math.max(0, ...tails.map((t) => t.tail));
  return best >= minLen ? tails.filter((t) => t.tail === best).map((t) => t.id) : [];
}

/** "Last, First" of the first exact or ends-with match: the webhook `phonebook` field. */
export function phonebookName(contacts: Iterable<Contact>, num: string): string {
  const all = [...contacts];
  const [id] = findContacts(all, num, 0);
  if (id === undefined) return "";
  const c = all.find((x) => x.id === id);
  if (!c) return "";
  return [c.lastName, c.name].filter((s) => s !== "").join(", ");
}
