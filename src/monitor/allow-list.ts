/**
 * The webhook's optional source-address allow-list: IPv4 and IPv6 addresses and CIDR ranges
 * ("192.0.2.10, 10.0.0.0/8, 2001:db8::/32"). IPv4-mapped IPv6 addresses (::ffff:192.0.2.10, as a
 * dual-stack listener reports IPv4 peers) match their IPv4 rules. The vendor documents no webhook
 * authentication but tells integrators to accept only the 3CX server's address.
 */
import net from "node:net";

export class AllowListError extends Error {
  readonly code = "BAD_CONFIG";
}

/** "::ffff:192.0.2.1" → "192.0.2.1"; "fe80::1%eth0" → "fe80::1". */
export function canonicalAddress(address: string): string {
  let a = address.trim();
  const zone = a.indexOf("%");
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1] : a;
}

export interface AllowList {
  /** The entries as parsed, canonical (for messages). */
  readonly entries: readonly string[];
  allows(address: string | undefined): boolean;
}

/**
 * Parses the allow-list; blank means "any address". Throws AllowListError naming the first entry
 * that is not an address or a CIDR range.
 */
export function parseAllowList(text: string | undefined): AllowList | null {
  const items = (text ?? "").split(/[\s,;]+/).filter((x) => x !== "");
  if (items.length === 0) return null;
  const list = new net.BlockList();
  const entries: string[] = [];
  for (const item of items) {
    const [addrPart, prefixPart, extra] = item.split("/");
    const addr = canonicalAddress(addrPart ?? "");
    const family = net.isIP(addr);
    if (family === 0 || extra !== undefined) throw new AllowListError(`allow-list: "${item}" is not an IPv4/IPv6 address or CIDR range`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefixPart === undefined) {
      list.addAddress(addr, type);
      entries.push(addr);
      continue;
    }
    const prefix = /^\d{1,3}$/.test(prefixPart) ? Number(prefixPart) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) throw new AllowListError(`allow-list: "${item}" has an invalid prefix length`);
    list.addSubnet(addr, prefix, type);
    entries.push(`${addr}/${prefix}`);
  }
  return {
    entries,
    allows(address) {
      if (!address) return false;
      const a = canonicalAddress(address);
      const family = net.isIP(a);
      return family !== 0 && list.check(a, family === 4 ? "ipv4" : "ipv6");
    },
  };
}
