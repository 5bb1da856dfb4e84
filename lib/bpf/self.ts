/**
 * sluice's own host tgid, learned from the kernel: inside a pid namespace (a container without
 * --pid=host) Deno.pid is sluice's pid there, not the kernel's, and comparing with it would let
 * sluice trace itself. A secret nonce goes into the settings map; the self_marker program, attached
 * alone for a moment, records the tgid of the process that calls lseek(-1, nonce), which sluice then
 * does. Another process cannot claim the place: it does not know the nonce.
 *
 * @module
 */

import type { BpfMap, LoadedObject } from "./loader.ts";
import type { Libc } from "./libbpf.ts";
import { SETTINGS } from "./layout.ts";

const KEY = new Uint8Array(4);

/**
 * Learns sluice's host tgid through `settings` (already written, self_tgid 0) and leaves it there;
 * returns it, or `undefined` when the marker was not seen.
 */
export function learnSelfTgid(object: LoadedObject, settings: BpfMap, libc: Libc): number | undefined {
  const value = new Uint8Array(SETTINGS.size);
  const view = new DataView(value.buffer);
  if (!object.lookup(settings, KEY, value)) return undefined;
  const nonce = new BigUint64Array(1);
  while (nonce[0] === 0n) crypto.getRandomValues(nonce);
  view.setUint32(SETTINGS.offset.self_tgid, 0, true);
  view.setBigUint64(SETTINGS.offset.nonce, nonce[0], true);
  object.update(settings, KEY, value);
  const detach = object.attachFor("self_marker", libc);
  try {
    // An invalid descriptor: the call fails with EBADF and changes nothing.
    libc.lseek(-1, BigInt.asIntN(64, nonce[0]), 0);
  } finally {
    detach();
  }
  if (!object.lookup(settings, KEY, value)) return undefined;
  const tgid = view.getUint32(SETTINGS.offset.self_tgid, true);
  return tgid === 0 ? undefined : tgid;
}
