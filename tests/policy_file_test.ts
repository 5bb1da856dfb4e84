// Policy files: loading files and folders, both Tracee formats, and every validation error.
import assert from "node:assert/strict";
import { loadPolicies } from "../lib/policy/mod.ts";
import { fromYaml, policyDir, policyYaml, problemsOf } from "./_policy.ts";

const ROOT = `${import.meta.dirname}/..`;

async function fileProblems(text: string): Promise<string[]> {
  const dir = await policyDir({ "bad.yaml": text });
  return (await problemsOf({ policyPaths: [`${dir}/bad.yaml`] })).map((p) => p.replace(`${dir}/`, ""));
}

const crd = (
  spec: string,
  meta = "name: p1",
  head = "apiVersion: tracee.aquasec.com/v1beta1\nkind: Policy",
) => `${head}\nmetadata:\n  ${meta}\nspec:\n${spec}\n`;
const GOOD_SPEC = "  scope: [global]\n  rules:\n    - event: openat";

Deno.test("the shipped example policies load, in file-name order", async () => {
  const set = await loadPolicies(
    { policyPaths: [`${ROOT}/fixtures/policies`], scopes: [], events: [] },
    { defaultEvents: undefined },
  );
  assert.deepEqual(set.names, [
    "container-network",
    "sensitive-files",
    "severe-events-policy",
    "shell-activity",
  ]);
  // shell-activity follows children, so fork events are submitted too.
  assert(set.events!.has("sched_process_fork"));
  assert(set.events!.has("ptrace") && set.events!.has("net_tcp_connect"));
});

Deno.test("a folder loads .yaml, .yml and .json files and skips the rest; files keep flag order", async () => {
  const dir = await policyDir({
    "b.yml": policyYaml("b", ["global"], [{ event: "openat" }]),
    "a.yaml": policyYaml("a", ["global"], [{ event: "openat" }]),
    "c.json": policyYaml("c", ["global"], [{ event: "openat" }]),
    "notes.txt": "not a policy",
  });
  const other = await policyDir({ "z.yaml": policyYaml("z", ["global"], [{ event: "execve" }]) });
  const set = await loadPolicies(
    { policyPaths: [`${other}/z.yaml`, dir], scopes: [], events: [] },
    { defaultEvents: undefined },
  );
  assert.deepEqual(set.names, ["z", "a", "b", "c"]);
  assert.deepEqual([...set.events!].sort(), ["execve", "openat"]);
});

Deno.test("Tracee's plain format and several YAML documents in one file", async () => {
  const text = [
    "type: policy\nname: plain-one\ndescription: d\nscope: [comm=bash]\nrules:\n  - event: execve",
    crd(GOOD_SPEC, "name: crd-two"),
  ].join("\n---\n");
  const set = await fromYaml(text);
  assert.deepEqual(set.names, ["plain-one", "crd-two"]);
});

Deno.test("unsupported apiVersion and kind name the file, policy and field", async () => {
  const problems = await fileProblems(
    crd(GOOD_SPEC, "name: p1", "apiVersion: aquasecurity.github.io/v1beta1\nkind: TraceePolicy"),
  );
  assert.deepEqual(problems, [
    'bad.yaml: policy "p1": apiVersion: unsupported apiVersion "aquasecurity.github.io/v1beta1" (expected "tracee.aquasec.com/v1beta1")',
    'bad.yaml: policy "p1": kind: unsupported kind "TraceePolicy" (expected "Policy")',
  ]);
});

Deno.test("a name that is not DNS-1123 is rejected", async () => {
  const problems = await fileProblems(crd(GOOD_SPEC, "name: Bad_Name"));
  assert.equal(problems.length, 1);
  assert.match(
    problems[0],
    /^bad\.yaml: policy "Bad_Name": metadata\.name: "Bad_Name" is not a valid name \(DNS-1123/,
  );
});

Deno.test("a duplicate name across files names both places", async () => {
  const dir = await policyDir({
    "a.yaml": policyYaml("same", ["global"], [{ event: "openat" }]),
    "b.yaml": policyYaml("same", ["comm=ls"], [{ event: "execve" }]),
  });
  const problems = await problemsOf({ policyPaths: [dir] });
  assert.deepEqual(problems, [
    `${dir}/b.yaml: policy "same": the name "same" is already used (${dir}/a.yaml: policy "same")`,
  ]);
});

Deno.test("empty scope and empty rules", async () => {
  assert.deepEqual(await fileProblems(crd("  scope: []\n  rules: []")), [
    'bad.yaml: policy "p1": spec.scope: must not be empty',
    'bad.yaml: policy "p1": spec.rules: must not be empty',
  ]);
  assert.deepEqual(await fileProblems(crd("  rules:\n    - event: openat")), [
    'bad.yaml: policy "p1": spec.scope: must not be empty',
  ]);
});

Deno.test("global must be the only scope entry", async () => {
  assert.deepEqual(await fileProblems(crd("  scope: [global, comm=bash]\n  rules:\n    - event: openat")), [
    'bad.yaml: policy "p1": spec.scope[1]: "global" must be the only scope entry (global scope must be unique)',
  ]);
  assert.deepEqual(await fileProblems(crd("  scope: [global, global]\n  rules:\n    - event: openat")), [
    'bad.yaml: policy "p1": spec.scope[1]: "global" must be the only scope entry (global scope must be unique)',
  ]);
});

Deno.test("unknown and unsupported scopes", async () => {
  const problems = await fileProblems(
    crd(
      "  scope: [colour=red, uts=abc, 'container=new', comm, 'uid>abc', 'mntns>5']\n  rules:\n    - event: openat",
    ),
  );
  assert.deepEqual(problems, [
    'bad.yaml: policy "p1": spec.scope[0]: "colour=red": unknown scope "colour" (known: global, comm, pid, uid, binary, executable, container, not-container, tree, follow, mntns, pidns)',
    'bad.yaml: policy "p1": spec.scope[1]: "uts=abc": scope "uts" is not supported: sluice\'s events carry no UTS name',
    'bad.yaml: policy "p1": spec.scope[2]: "container=new": "container=new" is not supported by sluice (it does not track when containers started)',
    'bad.yaml: policy "p1": spec.scope[3]: "comm": invalid scope: not a NAME<op>VALUE expression (operators: = != < > <= >=)',
    'bad.yaml: policy "p1": spec.scope[4]: "uid>abc": "abc" is not an integer',
    'bad.yaml: policy "p1": spec.scope[5]: "mntns>5": mntns takes = or !=, not ">"',
  ]);
});

Deno.test("the grammar is as strict as Tracee's: operators, ranges, container forms, whitespace", async () => {
  const problems = await fileProblems(crd(
    "  scope: ['comm==x', '!container', 'uid=-1', 'uid=4294967296', 'mntns=-1', 'tree=99999999999999999999', " +
      "'pid < 5']\n  rules:\n    - event: openat\n" +
      "      filters: ['data.pathname=!/etc/*', 'container=abc', '!container', 'data.pathname= /etc', " +
      "'data.dirfd=2147483648', 'retval=99999999999999999999', 'uid=-1']",
  ));
  assert.deepEqual(problems, [
    'bad.yaml: policy "p1": spec.rules[0].filters[0]: "data.pathname=!/etc/*": "=!" is not an operator (use = != < > <= >=)',
    'bad.yaml: policy "p1": spec.rules[0].filters[1]: "container=abc": a rule filter takes "container" alone; select a container by its id with containerId=ID',
    'bad.yaml: policy "p1": spec.rules[0].filters[2]: "!container": not a filter: "!" is not an operator here; use host or not-container',
    'bad.yaml: policy "p1": spec.rules[0].filters[3]: "data.pathname= /etc": remove the whitespace around the value " /etc"',
    'bad.yaml: policy "p1": spec.rules[0].filters[4]: "data.dirfd=2147483648": 2147483648 is out of range for int32 (-2147483648 to 2147483647)',
    'bad.yaml: policy "p1": spec.rules[0].filters[5]: "retval=99999999999999999999": retval must be an integer: 99999999999999999999 is out of range for int64 (-9223372036854775808 to 9223372036854775807)',
    'bad.yaml: policy "p1": spec.rules[0].filters[6]: "uid=-1": -1 is out of range for u_int32 (0 to 4294967295)',
    'bad.yaml: policy "p1": spec.scope[0]: "comm==x": invalid scope: "==" is not an operator (use = != < > <= >=)',
    'bad.yaml: policy "p1": spec.scope[1]: "!container": not a scope: "!" is not an operator here; use not-container',
    'bad.yaml: policy "p1": spec.scope[2]: "uid=-1": -1 is out of range for u_int32 (0 to 4294967295)',
    'bad.yaml: policy "p1": spec.scope[3]: "uid=4294967296": 4294967296 is out of range for u_int32 (0 to 4294967295)',
    'bad.yaml: policy "p1": spec.scope[4]: "mntns=-1": -1 is out of range for u_int32 (0 to 4294967295)',
    'bad.yaml: policy "p1": spec.scope[5]: "tree=99999999999999999999": tree needs pids: 99999999999999999999 is out of range for u_int32 (0 to 4294967295)',
  ]);
  // Spaces in a file's scope entry are removed first, as Tracee does: "pid < 5" reads as "pid<5".
});

Deno.test("a type other than policy is refused, with or without apiVersion/kind; type: Policy is the plain form", async () => {
  assert.deepEqual(await fileProblems("type: detector\n" + crd(GOOD_SPEC)), [
    'bad.yaml: policy "p1": type: "detector" is not "policy"; a policy in the apiVersion/kind form has no type field',
  ]);
  assert.deepEqual(
    await fileProblems("type: detector\nname: p2\nscope: [global]\nrules: [{event: openat}]\n"),
    [
      'bad.yaml: policy "p2": type: "detector" is not "policy"; the plain form needs "type: policy"',
    ],
  );
  const set = await fromYaml("type: ' Policy'\nname: p3\nscope: [global]\nrules: [{event: openat}]\n");
  assert.deepEqual(set.names, ["p3"]);
});

Deno.test("duplicated and unknown events", async () => {
  const problems = await fileProblems(
    crd("  scope: [global]\n  rules:\n    - event: openat\n    - event: opnat\n    - event: openat"),
  );
  assert.deepEqual(problems, [
    'bad.yaml: policy "p1": spec.rules[2].event: event "openat" is duplicated (also in rules[0])',
    'bad.yaml: policy "p1": spec.rules[1].event: unknown event "opnat"',
  ]);
});

Deno.test("a data filter on a field the event does not have, and a non-integer retval", async () => {
  const problems = await fileProblems(crd(
    "  scope: [global]\n  rules:\n    - event: openat\n      filters: [data.path=/etc/*, args.flags=1, retval=zero, data=1]",
  ));
  assert.deepEqual(problems, [
    'bad.yaml: policy "p1": spec.rules[0].filters[0]: "data.path=/etc/*": event openat has no data field "path" (its fields: dirfd, pathname, flags, mode, returnValue)',
    'bad.yaml: policy "p1": spec.rules[0].filters[2]: "retval=zero": retval must be an integer: "zero" is not an integer',
    'bad.yaml: policy "p1": spec.rules[0].filters[3]: "data=1": the data field\'s name is missing (data.NAME=VALUE)',
  ]);
});

Deno.test("filter values are checked against the field's type", async () => {
  const problems = await fileProblems(crd(
    "  scope: [global]\n  rules:\n    - event: openat\n      filters: ['data.flags=abc', 'data.pathname>5', 'hostName=x', 'colour=red']\n" +
      "    - event: connect\n      filters: [data.addr=1.2.3.4]",
  ));
  assert.deepEqual(problems, [
    'bad.yaml: policy "p1": spec.rules[0].filters[0]: "data.flags=abc": "abc" is not an integer',
    'bad.yaml: policy "p1": spec.rules[0].filters[1]: "data.pathname>5": operator ">" does not apply to text; use = or !=',
    'bad.yaml: policy "p1": spec.rules[0].filters[2]: "hostName=x": "hostName" is a Tracee field that sluice\'s events do not carry',
    `bad.yaml: policy "p1": spec.rules[0].filters[3]: "colour=red": unknown field "colour" (known: p, pid, processId, tid, threadId, ppid, parentProcessId, hostPid, hostProcessId, hostTid, hostThreadId, hostParentProcessId, hostPpid, uid, userId, comm, processName, exec, executable, bin, binary, containerId, containerName, containerImage, podName, podNamespace, podUid, syscall, mntns, mountNamespace, pidns, pidNamespace, cgroupId, container, host, not-container, data.NAME, retval)`,
    'bad.yaml: policy "p1": spec.rules[1].filters[0]: "data.addr=1.2.3.4": data field "addr" of connect is of type sockaddr, which sluice cannot filter on',
  ]);
});

Deno.test("more than 64 policies", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 65; i++) {
    files[`p${String(i).padStart(2, "0")}.yaml`] = policyYaml(`p${i}`, ["global"], [{ event: "openat" }]);
  }
  const dir = await policyDir(files);
  assert.deepEqual(await problemsOf({ policyPaths: [dir] }), [
    "--policy: 65 policies given; at most 64 are allowed",
  ]);
  await Deno.remove(`${dir}/p64.yaml`);
  const set = await loadPolicies({ policyPaths: [dir], scopes: [], events: [] }, {
    defaultEvents: undefined,
  });
  assert.equal(set.names.length, 64);
});

Deno.test("shape errors from the schema: wrong types and unknown fields", async () => {
  const problems = await fileProblems(
    crd("  scope: global\n  rules:\n    - event: openat\n      filter: [x=1]"),
  );
  assert.deepEqual(problems, [
    'bad.yaml: policy "p1": spec.scope: Invalid input: expected array, received string',
    'bad.yaml: policy "p1": spec.rules[0]: Unrecognized key: "filter"',
  ]);
});

Deno.test("bad YAML, bad actions, missing and empty paths", async () => {
  assert.match((await fileProblems("spec: [\n"))[0], /^bad\.yaml: line 2, column 1: /);
  assert.deepEqual(await fileProblems(crd(`${GOOD_SPEC}\n      actions: [webhook]`)), [
    'bad.yaml: policy "p1": spec.rules[0].actions: action "webhook" is not valid (use log or print)',
  ]);
  const missing = await problemsOf({ policyPaths: ["/nonexistent/policy.yaml", ""] });
  assert.match(missing[0], /^--policy \/nonexistent\/policy\.yaml: cannot read it: /);
  assert.equal(missing[1], "--policy: the path is empty");
  const empty = await policyDir({ "readme.txt": "x" });
  assert.deepEqual(await problemsOf({ policyPaths: [empty] }), [
    `--policy ${empty}: the folder has no .yaml, .yml or .json file`,
  ]);
});

Deno.test("--policy cannot be combined with --scope or --events, as in Tracee", async () => {
  const dir = await policyDir({ "a.yaml": policyYaml("a", ["global"], [{ event: "openat" }]) });
  const expected = [
    "--policy cannot be combined with --scope or --events (as in Tracee): put the scope and events in a policy file",
  ];
  assert.deepEqual(await problemsOf({ policyPaths: [dir], events: ["openat"] }), expected);
  assert.deepEqual(await problemsOf({ policyPaths: [dir], scopes: ["comm=ls"] }), expected);
});
