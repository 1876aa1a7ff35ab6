/**
 * The V20 secrets a message could echo: the API key and every bearer token issued for it. Each is
 * redacted in every form (as written, URL-encoded) before any text leaves the client.
 */
import { makeRedactor } from "../../client/errors";

/** Tokens remembered for redaction: one an hour is issued, a day's worth is plenty. */
const MAX_TOKENS = 32;

export class Secrets {
  readonly #key: (text: string) => string;
  readonly #tokens = new Map<string, (text: string) => string>();

  constructor(apiKey: string) {
    this.#key = makeRedactor(apiKey);
  }

  addToken(token: string): void {
    if (this.#tokens.has(token) || token === "") return;
    this.#tokens.set(token, makeRedactor(token));
    if (this.#tokens.size > MAX_TOKENS) this.#tokens.delete(this.#tokens.keys().next().value as string);
  }

  /** Redacts tokens first: a token could contain the key's text, never the other way round. */
  redact = (text: string): string => {
    let out = text;
    for (const r of this.#tokens.values()) out = r(out);
    return this.#key(out);
  };
}
