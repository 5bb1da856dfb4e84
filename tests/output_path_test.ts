/** Whose files and folders an output path may pass through: root's and the trusted user's only. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { checkOutputPath, UnsafePathError } from "../lib/destinations/output_path.ts";
import { NOBODY, rootTest } from "./_root.ts";

rootTest(
  "the user trusted besides root is the one given (the one sluice started as), not the one it runs as",
  async () => {
    const dir = await Deno.makeTempDir();
    const folder = join(dir, "nobodys");
    await Deno.mkdir(folder, { mode: 0o755 });
    await Deno.chown(folder, NOBODY, NOBODY);
    const file = join(dir, "events.json");
    await Deno.writeTextFile(file, "");
    await Deno.chown(file, NOBODY, NOBODY);
    assert.throws(
      () => checkOutputPath(join(folder, "events.json"), { trustedUid: 0 }),
      (error: Error) =>
        error instanceof UnsafePathError && /the folder ".*nobodys" \(owner 65534,/.test(error.message),
    );
    assert.throws(
      () => checkOutputPath(file, { trustedUid: 0 }),
      /belongs to user 65534, not to root or the user sluice started as \(0\)/,
    );
    assert.equal(checkOutputPath(join(folder, "events.json"), { trustedUid: NOBODY }).folderExists, true);
    assert.equal(checkOutputPath(file, { trustedUid: NOBODY }).existing?.uid, NOBODY);
    await Deno.remove(dir, { recursive: true });
  },
);
