import assert from "node:assert/strict";
import { atTopLevel, formatJson } from "../lib/format/json.ts";
import { traceeOrder } from "../lib/format/json_order.ts";
import { makeEvent } from "./_events.ts";

/** A copy with no object shared with `value`: formatted without the shared-workload path. */
const fresh = <T>(value: T): T => structuredClone(value);

Deno.test("json format is the event on one line, in Tracee's key order at every level", () => {
  const event = makeEvent(3);
  const line = formatJson(event);
  assert.ok(!line.includes("\n"));
  assert.deepEqual(JSON.parse(line), event);
  assert.equal(
    line,
    '{"timestamp":"2026-11-28T12:00:00.003123456Z","id":1015,"name":"sched_process_exec",' +
      '"policies":{"matched":["default"]},"workload":{"process":{"host_pid":1003,"pid":1003,' +
      '"real_user":{"id":0},"thread":{"name":"bash","host_tid":1003,"tid":1003}}},' +
      '"data":[{"name":"seq","int32":3},{"name":"pathname","str":"/usr/bin/ls"}]}',
  );
});

Deno.test("json key order does not depend on the order the event was built in", () => {
  const built = {
    data: [{ str: "/etc/passwd", name: "pathname" }],
    workload: {
      container: { started: true, id: "abc" },
      process: {
        thread: { tid: 2, name: "cat", start_time: "2026-01-01T00:00:00Z", host_tid: 2, syscall: "openat" },
        pid: 2,
        executable: { path: "/usr/bin/cat" },
        ancestors: [{ pid: 1, unique_id: 7, host_pid: 1 }],
        real_user: { id: 0 },
        host_pid: 2,
      },
    },
    policies: { matched: ["p"] },
    name: "openat",
    id: 258,
    timestamp: "2026-01-01T00:00:00.5Z",
  };
  assert.equal(
    formatJson(built),
    '{"timestamp":"2026-01-01T00:00:00.5Z","id":258,"name":"openat","policies":{"matched":["p"]},' +
      '"workload":{"process":{"executable":{"path":"/usr/bin/cat"},"host_pid":2,"pid":2,"real_user":{"id":0},' +
      '"thread":{"start_time":"2026-01-01T00:00:00Z","name":"cat","host_tid":2,"tid":2,"syscall":"openat"},' +
      '"ancestors":[{"unique_id":7,"host_pid":1,"pid":1}]},"container":{"id":"abc","name":"","started":true}},' +
      '"data":[{"name":"pathname","str":"/etc/passwd"}]}',
  );
});

Deno.test("json: a container is written with id, name and started, as Tracee's marshaller does", () => {
  const event = { ...makeEvent(0), workload: { container: { id: "c0ffee" } } };
  assert.match(formatJson(event), /"workload":\{"container":\{"id":"c0ffee","name":"","started":false\}\}/);
  const full = {
    ...makeEvent(0),
    workload: {
      container: {
        image: { name: "alpine", repo_digests: [], id: "sha" },
        name: "web",
        id: "c1",
        started: true,
      },
      k8s: { namespace: { name: "default" }, pod: { uid: "u", name: "pod" } },
    },
  };
  assert.match(
    formatJson(full),
    /"container":\{"id":"c1","name":"web","image":\{"id":"sha","name":"alpine"\},"started":true\},"k8s":\{"pod":\{"name":"pod","uid":"u"\},"namespace":\{"name":"default"\}\}/,
  );
});

Deno.test("json leaves out what Tracee leaves out: empty data, empty thread name and syscall, compat false", () => {
  const event = {
    ...makeEvent(0),
    data: [],
    workload: { process: { pid: 1, thread: { name: "", syscall: "", compat: false, tid: 1 } } },
  };
  const line = formatJson(event);
  assert.doesNotMatch(line, /"data"|"syscall"|"compat"|"name":""/);
  assert.match(line, /"thread":\{"tid":1\}/);
});

Deno.test("json: an event already in order is formatted without a copy; timestamps are left as given", () => {
  const event = JSON.parse(formatJson(makeEvent(5)));
  assert.equal(traceeOrder(event), event);
  event.timestamp = "2026-11-28T12:00:00.1Z";
  assert.match(formatJson(event), /^\{"timestamp":"2026-11-28T12:00:00\.1Z",/);
});

Deno.test("json format of events sharing one workload object equals the unshared form", () => {
  const first = makeEvent(1);
  const events = [0, 1, 2, 3].map((i) => ({
    ...makeEvent(i, "openat", i % 2 ? ["a", "b"] : ["default"]),
    workload: first.workload,
    [Symbol("hidden")]: 1,
    skipped: undefined,
  }));
  const reordered = { data: first.data, workload: first.workload, name: "x", id: 1, timestamp: "t" };
  for (const event of [...events, reordered, ...events]) {
    assert.equal(formatJson(event), formatJson(fresh(event)));
  }
});

Deno.test("json format stays exact when a string or a nested key before workload looks like it", () => {
  const shared = makeEvent(0).workload;
  const tricky = [
    { timestamp: 't","workload":0,"x', id: 1, name: '"workload":0', workload: shared },
    { timestamp: "t\\", id: 1, name: "n", extra: { workload: 0 }, workload: shared },
    { timestamp: "t", id: 1, name: "n", extra: [{ workload: 0 }], workload: shared, data: [] },
    { timestamp: "t", id: 1, name: "n", workload: shared, data: [{ name: "workload", int32: 0 }] },
  ];
  for (const event of [...tricky, ...tricky]) assert.equal(formatJson(event), formatJson(fresh(event)));
});

Deno.test("atTopLevel tells the outer object from strings and nested values", () => {
  const text = '{"a":"{\\"b\\":1}","c":{"d":[1]},"e":0}';
  assert.equal(atTopLevel(text, text.indexOf('"e"')), true);
  assert.equal(atTopLevel(text, text.indexOf('"d"')), false);
  assert.equal(atTopLevel(text, text.indexOf('\\"b')), false);
  assert.equal(atTopLevel(text, -1), false);
});

Deno.test("json writes timespec values as Tracee's Go does (%g: 1.7e+09), and only those", () => {
  const event = fresh(makeEvent(1));
  event.data = [
    { name: "req", timespec: { value: 1700000000.5 } },
    { name: "rem", timespec: { value: 0.25 } },
    { name: "tiny", timespec: { value: 0.00001 } },
    { name: "pathname", str: '"timespec":{"value":1700000000}' },
    { name: "count", int64: "1700000000" },
  ];
  const line = formatJson(event);
  assert.match(
    line,
    /"data":\[\{"name":"req","timespec":\{"value":1\.7000000005e\+09\}\},\{"name":"rem","timespec":\{"value":0\.25\}\},\{"name":"tiny","timespec":\{"value":1e-05\}\},/,
  );
  assert.ok(
    line.includes('"str":"\\"timespec\\":{\\"value\\":1700000000}"'),
    "a string's text is left alone",
  );
  assert.deepEqual(JSON.parse(line), event);
});
