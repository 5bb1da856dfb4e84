/**
 * Socket addresses and IP addresses from raw kernel bytes to the text Tracee prints.
 *
 * @module
 */

import type { SockAddr } from "./event.ts";

const FAMILIES: Record<number, string> = { 1: "AF_UNIX", 2: "AF_INET", 10: "AF_INET6" };

/** Dotted IPv4 text of the 4 bytes at `at`. */
export function ipv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** RFC 5952 text: lowercase, longest run of zero groups (at least two) as `::`, IPv4-mapped dotted. */
export function ipv6(bytes: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${ipv4(bytes, at + 12)}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** A raw `struct sockaddr` decoded with Tracee's field names; ports in host order. */
export function sockaddr(view: DataView, bytes: Uint8Array, at: number, length: number): SockAddr {
  const family = length >= 2 ? view.getUint16(at, true) : 0;
  const out: SockAddr = { sa_family: FAMILIES[family] ?? String(family) };
  if (family === 2 && length >= 8) {
    out.sin_addr = ipv4(bytes, at + 4);
    const port = view.getUint16(at + 2, false);
    if (port !== 0) out.sin_port = port;
  } else if (family === 10 && length >= 24) {
    // Zero values are left out, as protojson leaves them out of Tracee's output.
    out.sin6_addr = ipv6(bytes, at + 8);
    const port = view.getUint16(at + 2, false);
    const flowinfo = view.getUint32(at + 4, false);
    const scope = length >= 28 ? view.getUint32(at + 24, true) : 0;
    if (port !== 0) out.sin6_port = port;
    if (flowinfo !== 0) out.sin6_flowinfo = flowinfo;
    if (scope !== 0) out.sin6_scopeid = scope;
  } else if (family === 1) {
    const pathBytes = bytes.subarray(at + 2, at + length);
    const abstract = pathBytes[0] === 0 && pathBytes.length > 1;
    const raw = abstract ? pathBytes.subarray(1) : pathBytes;
    const nul = raw.indexOf(0);
    const path = new TextDecoder().decode(nul < 0 ? raw : raw.subarray(0, nul));
    out.sun_path = abstract ? `@${path}` : path;
  }
  return out;
}
