import assert from "node:assert/strict";
import type { Event } from "../lib/events/event.ts";
import {
  createTableFormatter,
  formatTable,
  MAX_ARGS_CHARS,
  TABLE_HEADER,
  tableHeader,
  tableTime,
  tableValue,
} from "../lib/format/table.ts";
import { makeEvent } from "./_events.ts";

const withData = (name: string, data: Event["data"], more: Partial<Event> = {}): Event => ({
  ...makeEvent(7, name),
  data,
  ...more,
});
const args = (row: string) => row.slice(TABLE_HEADER.indexOf("ARGS"));

Deno.test("table header has Tracee's columns and widths", () => {
  assert.equal(
    TABLE_HEADER,
    "TIME             UID    COMM             PID     TID     EVENT                     ARGS",
  );
  assert.equal(
    tableHeader({ containers: true }),
    "TIME             CONTAINER_ID  UID    COMM             PID/host        TID/host        EVENT                     ARGS",
  );
});

Deno.test("table time is HH:MM:SS:micro in UTC, whatever the host's zone", () => {
  assert.equal(tableTime("2026-11-28T12:34:56.123456789Z"), "12:34:56:123456");
  assert.equal(tableTime("2026-11-28T12:34:56.1Z"), "12:34:56:100000");
  assert.equal(tableTime("2026-11-28T12:34:56Z"), "12:34:56:000000");
});

Deno.test("table row: Tracee's columns, padded, args as name: value", () => {
  const event = withData("sched_process_exec", [
    { name: "pathname", str: "/bin/sh" },
    { name: "argv", str_array: { value: ["sh", "-c", "exit 7"] } },
    { name: "exit_code", int64: "7" },
  ]);
  assert.equal(
    formatTable(event),
    "12:00:00:007123  0      bash             1007    1007    sched_process_exec        " +
      "pathname: /bin/sh, argv: [sh -c exit 7], exit_code: 7",
  );
});

Deno.test("table row: a missing pid prints 0 and a missing uid nothing, as Tracee's %d and %s do", () => {
  const row = formatTable({ ...makeEvent(0), workload: {} });
  assert.equal(
    row.slice(17, 17 + 6 + 1 + 16 + 1 + 7 + 1 + 7),
    "       ".slice(0, 6) + " " + "".padEnd(16) + " 0       0      ",
  );
});

Deno.test("table cuts an event name longer than 25 to 22 characters and ...", () => {
  const row = formatTable(makeEvent(1, "a_very_long_event_name_that_goes_on"));
  assert.ok(row.includes(" a_very_long_event_name... "), row);
  assert.ok(formatTable(makeEvent(1, "exactly_twenty_five_chars")).includes(" exactly_twenty_five_chars "));
});

Deno.test("table decodes flags, modes and ptrace requests as Tracee prints them", () => {
  assert.equal(
    args(formatTable(withData("openat", [
      { name: "dirfd", int32: -100 },
      { name: "pathname", str: "/etc/passwd" },
      { name: "flags", int32: 0o2000000 },
      { name: "mode", u_int32: 0 },
    ]))),
    "dirfd: -100, pathname: /etc/passwd, flags: O_RDONLY|O_CLOEXEC, mode: 0",
  );
  assert.equal(
    args(formatTable(withData("openat", [{ name: "flags", int32: 0o1101 }]))),
    "flags: O_WRONLY|O_CREAT|O_TRUNC",
  );
  assert.equal(
    args(
      formatTable(
        withData("fchmodat", [{ name: "mode", u_int32: 0o100755 }, { name: "flags", int32: 0x100 }]),
      ),
    ),
    "mode: S_IFREG|S_IRWXU|S_IRGRP|S_IXGRP|S_IROTH|S_IXOTH, flags: AT_SYMLINK_NOFOLLOW",
  );
  assert.equal(args(formatTable(withData("fchmodat", [{ name: "flags", int32: 0 }]))), "flags: ");
  assert.equal(
    args(formatTable(withData("execveat", [{ name: "flags", int32: 0x1000 }]))),
    "flags: AT_EMPTY_PATH",
  );
  assert.equal(
    args(formatTable(withData("ptrace", [{ name: "request", int64: "16" }, { name: "pid", int32: 5 }]))),
    "request: PTRACE_ATTACH, pid: 5",
  );
  assert.equal(args(formatTable(withData("ptrace", [{ name: "request", int64: "999" }]))), "request: 999");
  assert.equal(
    args(formatTable(withData("sched_process_exec", [{ name: "stdin_type", u_int32: 0o20000 }]))),
    "stdin_type: S_IFCHR",
  );
  // Other events' fields of the same names stay numbers.
  assert.equal(args(formatTable(withData("memfd_create", [{ name: "flags", u_int32: 1 }]))), "flags: 1");
});

Deno.test("table prints pointers in hex and bytes as numbers", () => {
  const data = [{ name: "addr", pointer: "140737488355328" }, {
    name: "buf",
    bytes: "AQID",
  }] as Event["data"];
  assert.equal(args(formatTable(withData("ptrace", data))), "addr: 0x800000000000, buf: [1 2 3]");
});

Deno.test("table: control characters and escape sequences are escaped, one row per event", () => {
  const event = withData("execve", [
    { name: "argv", str_array: { value: ["printf", "\x1b[2J\nrow two\r", "a\\x1b"] } },
  ], {});
  event.workload!.process!.thread!.name = "ev\x1bil\n";
  const row = formatTable(event);
  // deno-lint-ignore no-control-regex -- no control character may reach the terminal
  assert.doesNotMatch(row, /[\x00-\x1f\x7f]/);
  assert.ok(row.includes(" ev\\x1bil\\n "), row);
  assert.ok(row.endsWith("argv: [printf \\x1b[2J\\nrow two\\r a\\\\x1b]"), row);
  const bidi = withData("openat", [{ name: "pathname", str: "/tmp/\u202etxt.exe" }]);
  assert.ok(args(formatTable(bidi)).includes("/tmp/\\u202etxt.exe"));
});

Deno.test("table: wide characters do not shift columns; a long comm is cut with a mark", () => {
  const wide = makeEvent(0);
  wide.workload!.process!.thread!.name = "日本語";
  const plain = makeEvent(0);
  const at = (row: string) => row.indexOf(" 1000 ");
  // Three wide characters take six columns: the PID column starts where it does for ASCII.
  const width = (text: string) => [...text].reduce((n, c) => n + (/[\u3000-\u9fff]/.test(c) ? 2 : 1), 0);
  assert.equal(width(formatTable(wide).slice(0, at(formatTable(wide)))), at(formatTable(plain)));
  const long = makeEvent(0);
  long.workload!.process!.thread!.name = "a-name-longer-than-sixteen";
  assert.ok(formatTable(long).includes(" a-name-longer... 1000 "), formatTable(long));
});

Deno.test("table: fields the kernel had to cut are marked; a huge ARGS cell is cut with a count", () => {
  const cut = withData("openat", [{ name: "pathname", str: "/very/deep" }, { name: "flags", int32: 0 }], {
    truncated: ["pathname"],
  });
  assert.equal(args(formatTable(cut)), "pathname: /very/deep ...(cut), flags: O_RDONLY");
  const huge = withData("execve", [{ name: "argv", str_array: { value: ["x".repeat(MAX_ARGS_CHARS * 2)] } }]);
  const cell = args(formatTable(huge));
  assert.match(cell, /\.\.\.\(\d+ more characters\)$/);
  assert.ok(cell.length < MAX_ARGS_CHARS + 100);
});

Deno.test("table container layout: id cut to 12, PID/host and TID/host", () => {
  const event = makeEvent(3);
  event.workload!.container = { id: "0123456789abcdef0123" };
  event.workload!.process!.pid = 5;
  event.workload!.process!.thread!.tid = 6;
  const formatter = createTableFormatter({ containers: true });
  assert.equal(formatter.header, tableHeader({ containers: true }));
  assert.equal(
    formatter.format(event),
    "12:00:00:003123  0123456789ab  0      bash             5      /1003    6      /1003    sched_process_exec        " +
      "seq: 3, pathname: /usr/bin/ls",
  );
  // A host process in container mode: an empty id column.
  assert.ok(formatter.format(makeEvent(0)).startsWith("12:00:00:000123                0      bash"));
});

Deno.test("tableValue prints objects like Go maps", () => {
  assert.equal(tableValue({ sin_port: 80, sa_family: "AF_INET" }), "map[sa_family:AF_INET sin_port:80]");
  assert.equal(tableValue(undefined), "");
});

Deno.test("sluice switches the table to the container layout when a policy scope selects containers", async () => {
  const dir = await Deno.makeTempDir();
  const input = `${dir}/in.jsonl`;
  const event = makeEvent(0);
  event.workload!.container = { id: "c0ffee0123456789" };
  await Deno.writeTextFile(input, JSON.stringify(event) + "\n" + JSON.stringify(makeEvent(1)) + "\n");
  const run = async (...extra: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname, "--input", input, ...extra],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).split("\n");
  };
  const [header, row] = await run("-s", "container");
  assert.equal(header, tableHeader({ containers: true }));
  assert.ok(row.startsWith("12:00:00:000123  c0ffee012345 "), row);
  assert.equal((await run("-s", "not-container"))[0], TABLE_HEADER);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("table time: each timestamp's answer is its own, whatever came before it", () => {
  // Timestamps in one second share a clock read from their text: the traps are a timestamp of the
  // same second in another zone or form, and 24:00:00, which is a time only without a fraction.
  const cases: [string, string][] = [
    ["2026-11-28T12:34:56.1Z", "12:34:56:100000"],
    ["2026-11-28T12:34:56.2+01:00", "11:34:56:200000"],
    ["2026-11-28T12:34:56Z", "12:34:56:000000"],
    ["2026-11-28T12:34:56.Z", "2026-11-28T12:34:56.Z"],
    ["2026-11-28T12:34:56.5z", "12:34:56:500000"],
    ["2026-11-28T12:34:56.12a3Z", "2026-11-28T12:34:56.12a3Z"],
    ["2026-11-28T24:00:00Z", "00:00:00:000000"],
    ["2026-11-28T24:00:00.5Z", "2026-11-28T24:00:00.5Z"],
    ["2026-11-28T23:59:59.999999999Z", "23:59:59:999999"],
  ];
  for (const order of [cases, [...cases].reverse(), [...cases, ...cases]]) {
    for (const [timestamp, time] of order) assert.equal(tableTime(timestamp), time, timestamp);
  }
});

Deno.test("table: cells made once per value stay right for every value, beyond the cache's bound", () => {
  for (let i = 0; i < 5000; i++) {
    const event = makeEvent(i, i % 2 === 0 ? `event_${i}` : `a_long_event_name_number_${i}`);
    event.workload!.process!.thread!.name = `comm${i}`;
    event.workload!.process!.real_user = { id: i };
    const row = formatTable(event);
    assert.equal(row.slice(17, 17 + 6 + 1 + 16), `${i}`.padEnd(6) + " " + `comm${i}`.padEnd(16));
    const name = i % 2 === 0 ? `event_${i}`.padEnd(25) : `a_long_event_name_numb...`;
    assert.equal(row.slice(TABLE_HEADER.indexOf("EVENT"), TABLE_HEADER.indexOf("ARGS") - 1), name);
  }
});

Deno.test("table: a decoded value is remembered per event and field, not per value alone", () => {
  const row = (field: string, value: number) =>
    args(formatTable(withData("fchmodat", [{ name: field, int32: value }])));
  for (let round = 0; round < 2; round++) {
    assert.equal(row("flags", 0x100), "flags: AT_SYMLINK_NOFOLLOW");
    assert.equal(row("mode", 0x100), "mode: S_IRUSR");
  }
  // Past the memo's bound (256 values), each value still decodes as itself.
  const ptrace = (request: number) =>
    args(formatTable(withData("ptrace", [{ name: "request", int64: String(request) }])));
  for (let round = 0; round < 2; round++) {
    for (let request = 0; request < 600; request++) {
      const name = request === 16 ? "PTRACE_ATTACH" : request === 0 ? "PTRACE_TRACEME" : undefined;
      if (name !== undefined || request > 33) {
        assert.equal(ptrace(request), `request: ${name ?? request}`);
      }
    }
  }
});
