// Sprig's string functions, each run through a template as a Tracee template would call it.
import assert from "node:assert/strict";
import { templateFormatter } from "../lib/format/template.ts";
import { makeEvent } from "./_events.ts";

const event = makeEvent(7, "sched_process_exec", ["severe", "shell"]);
const render = (source: string) => templateFormatter(source, "gotemplate=/t.tmpl").format(event);

const CASES: [string, string, string][] = [
  ["trim", '{{ trim "  a b  " }}', "a b"],
  ["trimAll", '{{ trimAll "$" "$5.00$" }}', "5.00"],
  ["trimPrefix", '{{ trimPrefix "/usr" "/usr/bin" }}', "/bin"],
  ["trimSuffix", '{{ trimSuffix ".exe" "ls.exe" }}', "ls"],
  ["upper", "{{ .Workload.Process.Thread.Name | upper }}", "BASH"],
  ["lower", '{{ lower "HeLLo" }}', "hello"],
  ["title", '{{ title "hello world" }}', "Hello World"],
  ["untitle", '{{ untitle "Hello World" }}', "hello world"],
  ["repeat", '{{ repeat 3 "ab" }}', "ababab"],
  ["substr", '{{ substr 0 5 "hello world" }}', "hello"],
  ["nospace", '{{ nospace "a b\\tc" }}', "abc"],
  ["trunc", '{{ trunc 5 "hello world" }}|{{ trunc -5 "hello world" }}', "hello|world"],
  ["abbrev", '{{ abbrev 5 "hello world" }}', "he..."],
  ["initials", '{{ initials "First Try" }}', "FT"],
  ["wrap", '{{ wrap 5 "aaa bbb ccc" }}', "aaa\nbbb\nccc"],
  ["wrapWith", '{{ wrapWith 5 "|" "aaa bbb" }}', "aaa|bbb"],
  ["contains", '{{ contains "bin" .workload.process.thread.name }}|{{ contains "as" "bash" }}', "false|true"],
  ["hasPrefix", '{{ hasPrefix "ba" "bash" }}', "true"],
  ["hasSuffix", '{{ hasSuffix "sh" "bash" }}', "true"],
  ["quote", '{{ quote "a" "b\\"c" }}', '"a" "b\\"c"'],
  ["squote", '{{ squote "a" }}', "'a'"],
  ["cat", '{{ cat "a" 1 "b" }}', "a 1 b"],
  ["indent", '{{ indent 2 "a\\nb" }}', "  a\n  b"],
  ["nindent", '{{ nindent 2 "a" }}', "\n  a"],
  ["replace", '{{ "a-b-c" | replace "-" "+" }}', "a+b+c"],
  ["plural", '{{ plural "event" "events" 1 }} {{ plural "event" "events" 2 }}', "event events"],
  ["snakecase", '{{ snakecase "FirstName" }}', "first_name"],
  ["camelcase", '{{ camelcase "http_server" }}', "HttpServer"],
  ["kebabcase", '{{ kebabcase "FirstName" }}', "first-name"],
  ["swapcase", '{{ swapcase "Hello" }}', "hELLO"],
  ["regexMatch", '{{ regexMatch "^/usr/.*" "/usr/bin/ls" }}', "true"],
  ["regexFind", '{{ regexFind "[0-9]+" "abc123def45" }}', "123"],
  [
    "regexFindAll",
    '{{ regexFindAll "[0-9]+" "a1b22c333" -1 }}|{{ regexFindAll "[0-9]+" "a1b22c333" 2 }}',
    "[1 22 333]|[1 22]",
  ],
  ["regexReplaceAll", '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', "-W-xxW-"],
  ["regexReplaceAllLiteral", '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', "-${1}-${1}-"],
  ["regexSplit", '{{ regexSplit "z+" "pizza" -1 }}', "[pi a]"],
  ["regexQuoteMeta", '{{ regexQuoteMeta "1.5+2" }}', "1\\.5\\+2"],
  ["splitList", '{{ splitList "/" "/usr/bin" }}', "[ usr bin]"],
  ["split", '{{ $p := split "$" "foo$bar$baz" }}{{ $p._0 }} {{ $p._2 }}', "foo baz"],
  ["splitn", '{{ $p := splitn "$" 2 "foo$bar$baz" }}{{ $p._1 }}', "bar$baz"],
  ["toString", '{{ toString 42 | printf "%q" }}', '"42"'],
  ["b64enc", '{{ b64enc "sluice" }}', "c2x1aWNl"],
  ["b64dec", '{{ b64dec "c2x1aWNl" }}', "sluice"],
  ["b32enc", '{{ b32enc "sluice" }}', "ONWHK2LDMU======"],
  ["adler32sum", '{{ adler32sum "Hello world!" }}', "487130206"],
  ["sha1sum", '{{ sha1sum "abc" }}', "a9993e364706816aba3e25717850c26c9cd0d89d"],
  ["sha256sum", '{{ sha256sum "abc" }}', "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
];

for (const [name, source, expected] of CASES) {
  Deno.test(`sprig ${name}`, () => assert.equal(render(source), expected));
}
