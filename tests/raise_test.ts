/** Capabilities held in reserve are in effect only inside withCapabilities, and only on the calling thread. */

import assert from "node:assert/strict";
import { rootTest } from "./_root.ts";

const CHILD = new URL("./_raise_child.ts", import.meta.url).pathname;

rootTest(
  "a reserve capability is in effect for synchronous work inside withCapabilities only, not for a pool thread",
  async () => {
    // Root's, mode 0700: user 65534 cannot create anything here without cap_dac_override.
    const folder = await Deno.makeTempDir();
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-write", "--allow-ffi", "--allow-sys=uid", CHILD, folder],
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), {
      before: { sync: "PermissionDenied", inEffect: "none" },
      during: { sync: "created", inEffect: "cap_dac_override", async: "PermissionDenied" },
      after: { sync: "PermissionDenied", inEffect: "none" },
      afterThrow: { message: "work failed", inEffect: "none" },
    });
    const created = (await Array.fromAsync(Deno.readDir(folder))).map((entry) => entry.name);
    assert.deepEqual(created, ["during"]);
    await Deno.remove(folder, { recursive: true });
  },
);
