import assert from "node:assert/strict";
import {
  ConfigError,
  type ConfigInput,
  DEFAULT_STREAM,
  describeConfig,
  type OutputResolution,
  resolveOutputConfig,
} from "../lib/config/mod.ts";

const FIXTURES = new URL("../fixtures/config/", import.meta.url);
const POLICIES = { knownPolicies: ["severe-events-policy"] };

function fixture(name: string): { text: string; path: string } {
  const url = new URL(name, FIXTURES);
  return { text: Deno.readTextFileSync(url), path: url.pathname };
}

/** The `--output` values of a seed CLI example, as the shell would pass them. */
function cliFlags(name: string): string[] {
  return [...fixture(name).text.matchAll(/--output (\S+)/g)].map((match) => match[1]);
}

function resolve(input: Partial<ConfigInput>, options = POLICIES): OutputResolution {
  return resolveOutputConfig({ flags: [], ...input }, options);
}

function problemsOf(input: Partial<ConfigInput>, options = POLICIES): string[] {
  try {
    resolve(input, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      assert.equal(error.message, error.problems.join("\n"));
      return error.problems;
    }
    throw error;
  }
  assert.fail("expected a ConfigError");
}

function yaml(text: string): { text: string; path: string } {
  return { text, path: "/etc/sluice.yaml" };
}

const stream = (name: string, destinations: string[], more: Record<string, unknown> = {}) => ({
  name,
  destinations,
  filters: { events: [], policies: [] },
  buffer: { size: 1024, mode: "block" },
  ...more,
});

Deno.test("no output configuration: stdout table in default-stream", () => {
  const { config, notices } = resolve({});
  assert.deepEqual(config, {
    destinations: [{ name: "stdouttable", type: "file", format: "table", path: "stdout" }],
    streams: [stream(DEFAULT_STREAM, ["stdouttable"])],
  });
  assert.deepEqual(notices, []);
  assert.deepEqual(resolve({ yaml: yaml("log:\n  level: info\n") }).config, config);
  assert.deepEqual(resolve({ yaml: yaml("output:\n") }).config, config);
});

Deno.test("seed example 1: YAML and CLI resolve to the same configuration", () => {
  const fromYaml = resolve({ yaml: fixture("seed_tracing.yaml") });
  const fromCli = resolve({ flags: cliFlags("seed_tracing_cli.sh") });
  assert.equal(cliFlags("seed_tracing_cli.sh").length, 4);
  assert.deepEqual(fromYaml.config, {
    destinations: [{ name: "json_destination", type: "file", format: "json", path: "stdout" }],
    streams: [stream("tracing", ["json_destination"])],
  });
  assert.deepEqual(fromCli.config, fromYaml.config);
});

Deno.test("seed example 2: three destinations, YAML (types inferred) and CLI resolve the same", () => {
  const fromYaml = resolve({ yaml: fixture("seed_three_destinations.yaml") });
  const fromCli = resolve({ flags: cliFlags("seed_three_destinations_cli.sh") });
  assert.equal(cliFlags("seed_three_destinations_cli.sh").length, 14);
  assert.deepEqual(fromYaml.config, {
    destinations: [
      { name: "json_destination", type: "file", format: "json", path: "stdout" },
      {
        name: "webhook_destination",
        type: "webhook",
        format: "json",
        url: "http://localhost:8080/processes?timeout=5s",
      },
      {
        name: "fluent_destination",
        type: "forward",
        format: "json",
        url: "http://localhost:2222?tag=severe",
      },
    ],
    streams: [
      stream("tracing", ["json_destination"]),
      stream("processes", ["webhook_destination"], {
        filters: { events: ["sched_process_exec", "sched_process_fork", "sched_process_exit"], policies: [] },
        buffer: { size: 1024, mode: "drop" },
      }),
      stream("severe_events", ["fluent_destination"], {
        filters: { events: [], policies: ["severe-events-policy"] },
        buffer: { size: 1024, mode: "drop" },
      }),
    ],
  });
  assert.deepEqual(fromCli.config, fromYaml.config);
  assert.deepEqual(fromYaml.notices, [
    'notice: destinations.webhook_destination: no type given; "webhook" inferred because its url scheme is "http:"',
    'notice: destinations.fluent_destination: no type given; "forward" inferred because its url has the forward ' +
    'parameter "tag"',
  ]);
  assert.deepEqual(fromCli.notices, []);
});

Deno.test("type inference: tcp/udp/tls are forward, forward-only parameters make http forward", () => {
  const types = (url: string) =>
    resolve({ flags: [`destinations.d.url=${url}`] }).config.destinations[0].type;
  assert.equal(types("tcp://127.0.0.1:24224"), "forward");
  assert.equal(types("tls://127.0.0.1:24224"), "forward");
  assert.equal(types("https://h/p?requireAck=true"), "forward");
  assert.equal(types("http://h/p?connectionTimeout=3s"), "forward");
  assert.equal(types("https://h/p?timeout=3s"), "webhook");
  assert.deepEqual(problemsOf({ flags: ["destinations.d.url=ftp://h/x"] }), [
    'destinations.d.url: no type given and cannot infer the type from scheme "ftp:"; set type to webhook ' +
    "(http, https) or forward (tcp, tls)",
  ]);
  assert.deepEqual(problemsOf({ flags: ["destinations.d.url=udp://127.0.0.1:24224"] }), [
    'destinations.d.url: udp is not supported for forward in "udp://127.0.0.1:24224": use tcp:// or tls://',
  ]);
});

Deno.test("defaults: file type, table for files, json for webhook and forward, stdout path", () => {
  const { config } = resolve({
    yaml: yaml(`output:
  destinations:
    - name: plain
    - name: hook
      type: webhook
      url: http://127.0.0.1:9/x
    - name: fwd
      type: forward
      url: tcp://127.0.0.1:24224
  streams:
    - name: s
      destinations: [plain, hook, fwd]
`),
  });
  assert.deepEqual(config, {
    destinations: [
      { name: "plain", type: "file", format: "table", path: "stdout" },
      { name: "hook", type: "webhook", format: "json", url: "http://127.0.0.1:9/x" },
      { name: "fwd", type: "forward", format: "json", url: "tcp://127.0.0.1:24224" },
    ],
    streams: [stream("s", ["plain", "hook", "fwd"])],
  });
});

Deno.test("a webhook's gotemplate parameter sets its format, and may not contradict it", () => {
  const { config } = resolve({ flags: ["webhook:http://127.0.0.1:9/x?gotemplate=/t.tmpl"] });
  assert.equal(config.destinations[0].format, "gotemplate=/t.tmpl");
  assert.deepEqual(
    problemsOf({
      flags: ["destinations.w.url=http://127.0.0.1:9/x?gotemplate=/t.tmpl", "destinations.w.format=json"],
    }),
    ['destinations.w.format: "json" conflicts with the url\'s gotemplate parameter "/t.tmpl"; keep one of them'],
  );
});

Deno.test("undeclared-by-stream destinations go to default-stream; a declared default-stream gets them", () => {
  const text = `output:
  destinations:
    - name: a
      path: /tmp/a
    - name: b
      path: /tmp/b
    - name: c
      path: /tmp/c
  streams:
    - name: s
      destinations: [b]
`;
  assert.deepEqual(resolve({ yaml: yaml(text) }).config.streams, [
    stream("s", ["b"]),
    stream(DEFAULT_STREAM, ["a", "c"]),
  ]);
  const tuned = resolve({ yaml: yaml(text + "    - name: default-stream\n      buffer: {mode: drop}\n") });
  assert.deepEqual(tuned.config.streams, [
    stream("s", ["b"]),
    stream(DEFAULT_STREAM, ["a", "c"], { buffer: { size: 1024, mode: "drop" } }),
  ]);
  assert.deepEqual(
    problemsOf({
      flags: ["json", "streams.mine.destinations=stdoutjson", "streams.default-stream.buffer.size=8"],
    }),
    [
      "streams.default-stream.destinations: a stream needs at least one destination (every declared destination " +
      "already belongs to another stream)",
    ],
  );
});

Deno.test("--output flags replace the file's output: section, as in Tracee; a notice says so", () => {
  const { config, notices } = resolve({
    yaml: fixture("seed_tracing.yaml"),
    flags: ["destinations.extra.format=json", "destinations.extra.path=/tmp/sluice-extra.json", "table"],
  });
  assert.deepEqual(config, {
    destinations: [
      { name: "extra", type: "file", format: "json", path: "/tmp/sluice-extra.json" },
      { name: "stdouttable", type: "file", format: "table", path: "stdout" },
    ],
    streams: [stream(DEFAULT_STREAM, ["extra", "stdouttable"])],
  });
  assert.deepEqual(notices, [
    `notice: --output given: it replaces the output: section of ${
      fixture("seed_tracing.yaml").path
    }, as in Tracee`,
  ]);
  // No output: section, no notice.
  assert.deepEqual(resolve({ yaml: yaml("log:\n  level: info\n"), flags: ["json"] }).notices, []);
});

Deno.test("the file's output: may be a list of --output values (Tracee's list form)", () => {
  const list = resolve({
    yaml: yaml(
      "output:\n  - json:/tmp/a.json\n  - streams.s.destinations=/tmp/a.jsonjson\n  - sort-events\n",
    ),
  });
  const flags = resolve({
    flags: ["json:/tmp/a.json", "streams.s.destinations=/tmp/a.jsonjson", "sort-events"],
  });
  assert.deepEqual(list.config, flags.config);
  assert.equal(list.config.sortEvents, true);
  const problems = problemsOf({ yaml: yaml("output:\n  - json\n  - {a: 1}\n  - bogus\n") });
  assert.equal(
    problems[0],
    "--config /etc/sluice.yaml: output[1]: expected an --output value (text), got a mapping",
  );
  assert.match(problems[1], /^--config \/etc\/sluice\.yaml: output\[2\] bogus: unknown output flag/);
  assert.match(
    problemsOf({ yaml: yaml("output: [json, bogus]\n") })[0],
    /^--config \/etc\/sluice\.yaml: output\[1\] bogus: unknown output flag/,
  );
});

Deno.test("a list flag replaces an earlier value only when given again; repeating it adds", () => {
  const { config } = resolve({
    flags: [
      "destinations.a.path=/tmp/a",
      "destinations.b.path=/tmp/b",
      "destinations.c.path=/tmp/c",
      "streams.s.destinations=b",
      "streams.s.destinations=c",
      "streams.s.filters.events=openat,connect",
    ],
  });
  assert.deepEqual(config.streams, [
    stream("s", ["b", "c"], { filters: { events: ["openat", "connect"], policies: [] } }),
    stream(DEFAULT_STREAM, ["a"]),
  ]);
});

Deno.test("short forms: names, paths, formats", () => {
  const { config, notices } = resolve({
    flags: [
      "json:/tmp/x.json,/tmp/y.json",
      "table:/tmp/t.txt",
      "gotemplate=/t.tmpl",
      "gotemplate=/u.tmpl:/tmp/out",
      "webhook:http://127.0.0.1:8080/e?timeout=5s",
      "forward:tcp://127.0.0.1:24224?tag=x",
    ],
  });
  assert.deepEqual(config.destinations, [
    { name: "/tmp/x.jsonjson", type: "file", format: "json", path: "/tmp/x.json" },
    { name: "/tmp/y.jsonjson", type: "file", format: "json", path: "/tmp/y.json" },
    { name: "/tmp/t.txttable", type: "file", format: "table", path: "/tmp/t.txt" },
    { name: "stdoutgotemplate=/t.tmpl", type: "file", format: "gotemplate=/t.tmpl", path: "stdout" },
    { name: "/tmp/outgotemplate=/u.tmpl", type: "file", format: "gotemplate=/u.tmpl", path: "/tmp/out" },
    {
      name: "http://127.0.0.1:8080/e?timeout=5swebhook",
      type: "webhook",
      format: "json",
      url: "http://127.0.0.1:8080/e?timeout=5s",
    },
    {
      name: "tcp://127.0.0.1:24224?tag=xforward",
      type: "forward",
      format: "json",
      url: "tcp://127.0.0.1:24224?tag=x",
    },
  ]);
  assert.deepEqual(config.streams, [stream(DEFAULT_STREAM, config.destinations.map((d) => d.name))]);
  assert.deepEqual(notices, []);
  assert.deepEqual(resolve({ flags: ["json"] }).config.destinations, [
    { name: "stdoutjson", type: "file", format: "json", path: "stdout" },
  ]);
});

Deno.test("none turns the default stdout table off; other outputs still work, stdout ones conflict", () => {
  assert.deepEqual(resolve({ flags: ["none"] }).config, { destinations: [], streams: [] });
  assert.deepEqual(resolve({ yaml: fixture("seed_tracing.yaml"), flags: ["none"] }).config, {
    destinations: [],
    streams: [],
  });
  assert.deepEqual(resolve({ yaml: yaml("output:\n  none: true\n") }).config, {
    destinations: [],
    streams: [],
  });
  assert.deepEqual(resolve({ flags: ["none", "json:/tmp/x.json"] }).config.destinations, [
    { name: "/tmp/x.jsonjson", type: "file", format: "json", path: "/tmp/x.json" },
  ]);
  assert.deepEqual(problemsOf({ flags: ["none", "json"] }), [
    '--output none: turns stdout off, so it cannot be combined with "json", which writes there',
  ]);
  assert.deepEqual(problemsOf({ flags: ["none", "json:/dev/stdout", "table:stderr"] }), [
    '--output none: turns stdout off, so it cannot be combined with "json:/dev/stdout", which writes there',
  ]);
  assert.deepEqual(problemsOf({ flags: ["none:/tmp/x"] }), [
    '--output none:/tmp/x: "none" takes no path or value',
  ]);
});

Deno.test("sort-events: from a flag or the file; takes no value", () => {
  assert.equal(resolve({ flags: ["sort-events"] }).config.sortEvents, true);
  assert.equal(resolve({ yaml: yaml("output:\n  sort-events: true\n") }).config.sortEvents, true);
  assert.equal(resolve({ flags: ["json"] }).config.sortEvents, undefined);
  assert.deepEqual(problemsOf({ flags: ["sort-events:x"] }), [
    '--output sort-events:x: "sort-events" takes no path or value',
  ]);
});

Deno.test("bad flag forms each name the flag", () => {
  const usage = "expected destinations.NAME.FIELD=VALUE, streams.NAME.FIELD=VALUE or one of table, json, " +
    "json:PATH[,PATH], table:PATH[,PATH], gotemplate=TEMPLATE[:PATH], webhook:URL, forward:URL, none, sort-events";
  assert.deepEqual(
    problemsOf({
      flags: [
        "foo.bar=1",
        "streams.x.bogus=1",
        "destinations.x.colour=red",
        "json:",
        "xyz",
        "table:/tmp/a,",
        "gotemplate=",
        "webhook:",
        "destinations.x",
      ],
    }),
    [
      `--output foo.bar=1: unknown output flag; ${usage}`,
      '--output streams.x.bogus=1: unknown stream field "bogus"; expected streams.NAME.FIELD=VALUE with FIELD ' +
      "one of destinations, filters.events, filters.policies, buffer.mode, buffer.size",
      '--output destinations.x.colour=red: unknown destination field "colour"; expected ' +
      "destinations.NAME.FIELD=VALUE with FIELD one of type, format, path, url, permissions",
      '--output json:: expected a path after "json:", e.g. json:/tmp/events.out',
      `--output xyz: unknown output flag; ${usage}`,
      '--output table:/tmp/a,: empty path in "table:/tmp/a,"',
      '--output gotemplate=: expected a template path after "gotemplate=", e.g. gotemplate=/t.tmpl',
      '--output webhook:: expected a URL after "webhook:"',
      "--output destinations.x: expected KEY=VALUE, e.g. destinations.NAME.format=json",
    ],
  );
});

Deno.test("buffer.size from a flag: positive integers only", () => {
  const size = (text: string) =>
    resolve({ flags: ["json", `streams.s.destinations=stdoutjson`, `streams.s.buffer.size=${text}`] })
      .config.streams[0].buffer.size;
  assert.equal(size("4096"), 4096);
  for (const [text, shown] of [["-1", "-1"], ["0", "0"], ["1.5", "1.5"], ["abc", '"abc"'], ["", '""']]) {
    assert.deepEqual(
      problemsOf({ flags: ["json", "streams.s.destinations=stdoutjson", `streams.s.buffer.size=${text}`] }),
      [`streams.s.buffer.size: expected a positive integer, got ${shown}`],
      text,
    );
  }
});

Deno.test("buffer mode and size from YAML", () => {
  assert.deepEqual(problemsOf({ yaml: fixture("invalid_buffer_mode.yaml") }), [
    "streams.tracing.buffer.size: expected a positive integer, got -1",
    'streams.tracing.buffer.mode: expected "block" or "drop", got "fast"',
  ]);
});

Deno.test("unknown fields at every level of output are errors; other top-level keys are not", () => {
  assert.deepEqual(problemsOf({ yaml: fixture("invalid_unknown_fields.yaml") }), [
    "destinations.json_destination.colour: unknown field; expected one of name, type, format, path, url, permissions",
    "streams.tracing.filters.severity: unknown field; expected one of events, policies",
    "streams.tracing.buffer.speed: unknown field; expected one of size, mode",
    "sinks: unknown field; expected one of none, sort-events, destinations, streams",
  ]);
  assert.deepEqual(resolve({ yaml: fixture("other_tracee_keys.yaml") }).config.destinations, [
    { name: "events_file", type: "file", format: "json", path: "/tmp/sluice-events.json" },
  ]);
});

Deno.test("streams and destinations: one stream per destination, declared names, at least one", () => {
  assert.deepEqual(problemsOf({ yaml: fixture("invalid_shared_destination.yaml") }), [
    'destinations.shared: used by streams "first" and "second"; a destination belongs to one stream only',
    'streams.second.destinations: "missing" is not a declared destination (declared: shared)',
    "streams.empty.destinations: a stream needs at least one destination",
  ]);
  assert.deepEqual(problemsOf({ flags: ["streams.s.destinations=a,a", "destinations.a.path=/tmp/a"] }), [
    'streams.s.destinations: "a" is listed twice',
  ]);
  assert.deepEqual(problemsOf({ flags: ["streams.s.buffer.mode=drop"] }), [
    "streams.s.destinations: a stream needs at least one destination",
  ]);
});

Deno.test("names: non-empty and unique, destinations and streams separately", () => {
  assert.deepEqual(
    problemsOf({
      yaml: yaml(`output:
  destinations:
    - name: a
      path: /tmp/a
    - name: a
      path: /tmp/b
    - name: ""
    - format: json
  streams:
    - name: s
      destinations: [a]
    - name: s
      destinations: [a]
    - name: a
      destinations: []
`),
    }),
    [
      "destinations[2].name: must not be empty",
      "destinations[3].name: required",
      "destinations.a: the name is used by 2 destinations; names must be unique",
      "streams.s: the name is used by 2 streams; names must be unique",
      "streams.a.destinations: a stream needs at least one destination",
    ],
  );
});

Deno.test("type, format, path and url rules name field and value", () => {
  assert.deepEqual(
    problemsOf({
      yaml: yaml(`output:
  destinations:
    - name: t
      type: kafka
    - name: f
      format: xml
      path: /tmp/f.txt
    - name: g
      format: gotemplate=
      path: /tmp/g.txt
    - name: hook
      type: webhook
    - name: fwd
      type: forward
      path: /tmp/f
      url: tcp://127.0.0.1:24224
    - name: file_with_url
      type: file
      path: /tmp/x
      url: http://127.0.0.1/x
    - name: bad_url
      type: webhook
      url: "not a url"
    - name: wrong_scheme
      type: webhook
      url: tcp://127.0.0.1:1
`),
    }),
    [
      'destinations.t.type: expected "file", "webhook" or "forward", got "kafka"',
      'destinations.f.format: expected "json", "table" or "gotemplate=PATH", got "xml"',
      'destinations.g.format: expected "json", "table" or "gotemplate=PATH", got "gotemplate="',
      "destinations.hook.url: required for a webhook destination",
      'destinations.fwd.path: "/tmp/f" is for file destinations, but this is a forward destination sending to url ' +
      '"tcp://127.0.0.1:24224"',
      'destinations.file_with_url.url: "http://127.0.0.1/x" is for webhook and forward destinations, but this is a ' +
      'file destination with path "/tmp/x"',
      'destinations.bad_url.url: invalid URL "not a url"; expected e.g. http://localhost:8080/events',
      'destinations.wrong_scheme.url: a webhook url needs scheme http:, https:; got "tcp:" in "tcp://127.0.0.1:1"',
    ],
  );
});

Deno.test("url query parameters: durations, booleans, batch", () => {
  assert.deepEqual(
    problemsOf({
      flags: [
        "webhook:http://127.0.0.1:9/a?timeout=5x&batch=0&contentType=",
        "forward:tcp://127.0.0.1:24224?requireAck=yes&connectionTimeout=-1s&tag=",
        "webhook:http://127.0.0.1:9/c?timeout=0s",
        "webhook:http://127.0.0.1:9/b?timeout=1m30s&batch=50&contentType=text/plain",
        "forward:tls://127.0.0.1:24224?requireAck=true&connectionTimeout=250ms&tag=t",
      ],
    }),
    [
      "destinations.http://127.0.0.1:9/a?timeout=5x&batch=0&contentType=webhook.url: parameter timeout: expected a Go " +
      'duration such as 5s, 100ms or 1m30s, got "5x"',
      "destinations.http://127.0.0.1:9/a?timeout=5x&batch=0&contentType=webhook.url: parameter contentType: must not " +
      'be empty, got ""',
      "destinations.http://127.0.0.1:9/a?timeout=5x&batch=0&contentType=webhook.url: parameter batch: expected a " +
      'positive integer, got "0"',
      "destinations.tcp://127.0.0.1:24224?requireAck=yes&connectionTimeout=-1s&tag=forward.url: parameter tag: must " +
      'not be empty, got ""',
      "destinations.tcp://127.0.0.1:24224?requireAck=yes&connectionTimeout=-1s&tag=forward.url: parameter " +
      'requireAck: expected "true" or "false", got "yes"',
      "destinations.tcp://127.0.0.1:24224?requireAck=yes&connectionTimeout=-1s&tag=forward.url: parameter " +
      'connectionTimeout: must be positive, got "-1s"',
      'destinations.http://127.0.0.1:9/c?timeout=0swebhook.url: parameter timeout: must be positive, got "0s"',
    ],
  );
});

Deno.test("a destination url flag keeps everything after the first '='", () => {
  const { config } = resolve({ flags: ["destinations.w.url=http://h:1/p?timeout=5s&a=b=c"] });
  assert.equal(config.destinations[0].url, "http://h:1/p?timeout=5s&a=b=c");
});

Deno.test("one path per destination, stdout included", () => {
  assert.deepEqual(problemsOf({ flags: ["json", "table"] }), [
    'destinations.stdouttable.path: "stdout" is already used by destination "stdoutjson"; give each file ' +
    "destination its own path",
  ]);
  assert.deepEqual(problemsOf({ flags: ["json:/tmp/a/../x", "table:/tmp/x"] }), [
    'destinations./tmp/xtable.path: "/tmp/x" is already used by destination "/tmp/a/../xjson"; give each file ' +
    "destination its own path",
  ]);
  assert.equal(resolve({ flags: ["json", "table:stderr"] }).config.destinations.length, 2);
});

Deno.test("filters name known events and loaded policies", () => {
  assert.deepEqual(
    problemsOf({
      flags: [
        "json",
        "streams.s.destinations=stdoutjson",
        "streams.s.filters.events=execve,no_such_event",
        "streams.s.filters.policies=severe-events-policy,other",
      ],
    }),
    [
      `streams.s.filters.events: unknown event "no_such_event" (not in sluice's event catalog)`,
      'streams.s.filters.policies: unknown policy "other" (loaded: severe-events-policy)',
    ],
  );
  assert.deepEqual(
    problemsOf({ flags: ["json", "streams.s.destinations=stdoutjson", "streams.s.filters.policies=p"] }, {
      knownPolicies: [],
    }),
    ['streams.s.filters.policies: unknown policy "p" (no policies are loaded)'],
  );
});

Deno.test("every problem is reported together: flags, shape and cross-field rules", () => {
  assert.deepEqual(
    problemsOf({
      yaml: yaml(`output:
  destinations:
    - name: hook
      type: webhook
  streams:
    - name: s
      destinations: [hook, ghost]
      filters:
        events: [execve, no_such_event]
      buffer:
        mode: fast
        size: 0
`),
    }),
    [
      "streams.s.buffer.size: expected a positive integer, got 0",
      'streams.s.buffer.mode: expected "block" or "drop", got "fast"',
      "destinations.hook.url: required for a webhook destination",
      'streams.s.destinations: "ghost" is not a declared destination (declared: hook)',
      `streams.s.filters.events: unknown event "no_such_event" (not in sluice's event catalog)`,
    ],
  );
});

Deno.test("YAML syntax errors name the file and line", () => {
  assert.deepEqual(problemsOf({ yaml: fixture("invalid_syntax.yaml") }), [
    `--config ${fixture("invalid_syntax.yaml").path}: line 7, column 1: Sequence item without - indicator`,
  ]);
  assert.deepEqual(problemsOf({ yaml: yaml("output:\n  streams: [a,\n  b: c\n") }).length, 1);
  assert.match(
    problemsOf({ yaml: yaml("output:\n  streams: [a,\n  b: c\n") })[0],
    /^--config \/etc\/sluice\.yaml: line 3, /,
  );
  assert.deepEqual(problemsOf({ yaml: yaml("output: 3\n") }), [
    "output: expected a mapping with destinations and streams, or a list of --output values, got 3",
  ]);
  assert.deepEqual(problemsOf({ yaml: yaml("- a\n") }), [
    "--config /etc/sluice.yaml: expected a mapping of settings at the top level, got a list",
  ]);
  assert.deepEqual(problemsOf({ yaml: yaml("output:\n  streams: {name: s}\n") }), [
    "streams: expected a list, got a mapping",
  ]);
});

Deno.test("describeConfig lists each stream with its filters and destinations", () => {
  const { config } = resolve({ yaml: fixture("seed_three_destinations.yaml") });
  assert.equal(
    describeConfig(config),
    [
      "stream tracing: mode block, size 1024",
      "  filters: events all; policies all",
      "    destination json_destination: type file, format json, path stdout",
      "stream processes: mode drop, size 1024",
      "  filters: events sched_process_exec, sched_process_fork, sched_process_exit; policies all",
      "    destination webhook_destination: type webhook, format json, url http://localhost:8080/processes?timeout=5s",
      "stream severe_events: mode drop, size 1024",
      "  filters: events all; policies severe-events-policy",
      "    destination fluent_destination: type forward, format json, url http://localhost:2222?tag=severe",
    ].join("\n"),
  );
  assert.equal(
    describeConfig(resolve({ flags: ["none"] }).config),
    "no output (--output none): events are traced but written nowhere",
  );
});
