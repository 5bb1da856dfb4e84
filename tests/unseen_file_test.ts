/** Creating a file no other process can open before it belongs to its owner (needs root to give files away). */

import assert from "node:assert/strict";
import { join } from "node:path";
import { osLibc } from "../lib/os/libc.ts";
import { createUnseenFile, NoUnnamedFiles } from "../lib/os/unseen_file.ts";
import { rootTest } from "./_root.ts";

const OWNER = { uid: 1000, gid: 4 };

rootTest(
  "an unseen file gets its owner, group and mode before its name, and is opened for appending",
  async () => {
    const dir = await Deno.makeTempDir();
    const path = join(dir, "events.json");
    const file = createUnseenFile(osLibc(), path, { mode: 0o640, owner: OWNER });
    assert.ok(file !== undefined);
    file.writeSync(new TextEncoder().encode("a\n"));
    file.close();
    const info = await Deno.lstat(path);
    assert.ok(info.isFile);
    assert.deepEqual([info.uid, info.gid, info.nlink], [OWNER.uid, OWNER.gid, 1]);
    assert.equal((info.mode! & 0o7777).toString(8), (0o640 & ~Deno.umask()).toString(8));
    assert.equal(await Deno.readTextFile(path), "a\n");
    // Nothing else is left in the folder: the file had no name before this one.
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name), ["events.json"]);
    await Deno.remove(dir, { recursive: true });
  },
);

rootTest(
  "an unseen file is not made where something already is: a file, a link, a dangling link",
  async () => {
    const dir = await Deno.makeTempDir();
    const target = join(dir, "target");
    await Deno.writeTextFile(target, "kept\n");
    await Deno.symlink(target, join(dir, "link"));
    await Deno.symlink(join(dir, "missing"), join(dir, "dangling"));
    for (const name of ["target", "link", "dangling"]) {
      assert.equal(
        createUnseenFile(osLibc(), join(dir, name), { mode: 0o600, owner: OWNER }),
        undefined,
        name,
      );
    }
    assert.equal(await Deno.readTextFile(target), "kept\n");
    assert.equal((await Deno.stat(target)).uid, 0);
    await assert.rejects(Deno.lstat(join(dir, "missing")), Deno.errors.NotFound);
    await Deno.remove(dir, { recursive: true });
  },
);

rootTest("a folder whose filesystem cannot hold a file without a name is named in the error", () => {
  // sysfs has no O_TMPFILE; nothing is created there either way.
  assert.throws(
    () => createUnseenFile(osLibc(), "/sys/kernel/events.json", { mode: 0o600, owner: OWNER }),
    (error: Error) =>
      error instanceof NoUnnamedFiles &&
      /^the filesystem of "\/sys\/kernel" cannot create a file without a name \(EOPNOTSUPP: .*\)$/.test(
        error.message,
      ),
  );
  return Promise.resolve();
});

rootTest("a missing folder is an error naming it and the reason", () => {
  assert.throws(
    () => createUnseenFile(osLibc(), "/nonexistent-sluice/events.json", { mode: 0o600, owner: OWNER }),
    /^Error: cannot create a file in "\/nonexistent-sluice" \(ENOENT: No such file or directory\)$/,
  );
  return Promise.resolve();
});
