/**
 * The config node's `fqdn` field → the PBX's base URL, "https://host[:port]" with no trailing
 * slash. The value is never echoed in an error: a pasted WebAPI URL would carry the access key.
 */
import { configError } from "./errors";

const EXPECTED = "a host name with an optional port, e.g. pbx.example.com:5001, or a URL such as https://pbx.example.com:5001";

function bad(problem: string): never {
  throw configError(`PBX address ${problem}: expected ${EXPECTED}`); // the dialog's label for fqdn
}

export function normalizeFqdn(fqdn: string): string {
  if (typeof fqdn !== "string" || fqdn.trim() === "") bad("is empty");
  const text = fqdn.trim(); // spaces pasted around the value are harmless; inside it they are not
  if (/\s/.test(text)) bad("must not contain spaces");
  if (/[\u0000-\u001f\u007f\\]/.test(text)) bad("contains a character that is not allowed");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text);
  if (scheme && !/^https?$/i.test(scheme[1])) bad(`must use http:// or https://, not ${scheme[1].toLowerCase().slice(0, 10)}://`);
  if (text.includes("@")) bad("must not contain a user name or password");
  if (text.includes("?") || text.includes("#")) bad("must not contain a query (?) or fragment (#)");
  let url: URL;
  try {
    url = new URL(scheme ? text : `https://${text}`);
  } catch {
    bad(text.split(":").length > 2 && !text.includes("[") ? "is not valid (put an IPv6 address in brackets: [::1]:5001)" : "is not a valid host name or URL");
  }
  if (url.hostname === "") bad("has no host name");
  if (url.port === "0") bad("has port 0");
  if (!/^\/(webapi\/?)?$/i.test(url.pathname)) {
    bad("must not contain a path (only a trailing /webapi is allowed; the Access key has its own field)");
  }
  return `${url.protocol}//${url.host}`;
}
