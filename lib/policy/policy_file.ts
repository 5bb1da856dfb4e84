/**
 * Tracee policy files (`--policy FILE|DIR`): read, parsed as YAML (or JSON), checked with
 * zod and with the rules Tracee applies to a policy file, and turned into drafts.
 *
 * Both of Tracee's formats load: the Kubernetes CRD form (`apiVersion`, `kind`,
 * `metadata`, `spec`) and the plain form (`type: policy`, `name`, `scope`, `rules`).
 *
 * @module
 */

import { z } from "zod";
import { log } from "../log.ts";
import { loadYamlFile } from "../yaml_loader.ts";
import type { DraftRule, PolicyDraft } from "./draft.ts";
import { leftOutNotice, tagSelection } from "./sets.ts";

/** The only apiVersion Tracee accepts. */
export const API_VERSION = "tracee.aquasec.com/v1beta1";

const Rule = z.strictObject({
  event: z.string(),
  filters: z.array(z.string()).optional(),
  actions: z.array(z.string()).optional(),
});

const Spec = z.strictObject({
  scope: z.array(z.string()).optional(),
  rules: z.array(Rule).optional(),
  defaultActions: z.array(z.string()).optional(),
});

const CrdPolicy = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: Spec,
});

const PlainPolicy = z.strictObject({
  type: z.string(),
  name: z.string(),
  description: z.string().optional(),
  scope: z.array(z.string()).optional(),
  rules: z.array(Rule).optional(),
  defaultActions: z.array(z.string()).optional(),
});

const ACTIONS = new Set(["log", "print"]);
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const POLICY_FILE = /\.(ya?ml|json)$/;

/** Every policy file `paths` name: files as given, folders' `.yaml`/`.yml`/`.json` files sorted. */
export async function policyFiles(paths: readonly string[], problems: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (path.trim() === "") {
      problems.push("--policy: the path is empty");
      continue;
    }
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (error) {
      problems.push(`--policy ${path}: cannot read it: ${(error as Error).message}`);
      continue;
    }
    if (!info.isDirectory) {
      files.push(path);
      continue;
    }
    const inDir: string[] = [];
    for await (const entry of Deno.readDir(path)) {
      if (entry.isFile && POLICY_FILE.test(entry.name)) {
        inDir.push(`${path.replace(/\/+$/, "")}/${entry.name}`);
      }
    }
    if (inDir.length === 0) problems.push(`--policy ${path}: the folder has no .yaml, .yml or .json file`);
    files.push(...inDir.sort());
  }
  return files;
}

/** Reads and checks one policy file; a file may hold several YAML documents. */
export async function readPolicyFile(file: string, problems: string[]): Promise<PolicyDraft[]> {
  const { values, problems: yamlProblems } = await loadYamlFile(file);
  problems.push(...yamlProblems);
  const drafts: PolicyDraft[] = [];
  for (const value of values) {
    const draft = checkDocument(file, value, problems);
    if (draft !== undefined) drafts.push(draft);
  }
  if (drafts.length === 0 && !problems.some((p) => p.startsWith(`${file}:`))) {
    problems.push(`${file}: holds no policy`);
  }
  return drafts;
}

function describeName(value: unknown): string {
  const name = (value as { metadata?: { name?: unknown }; name?: unknown })?.metadata?.name ??
    (value as { name?: unknown })?.name;
  return typeof name === "string" ? `policy "${name}"` : "policy (unnamed)";
}

/** Tracee's reading of `type`: trimmed and lowercased. */
function normalType(value: unknown): string | undefined {
  const type = (value as { type?: unknown })?.type;
  return typeof type === "string" ? type.trim().toLowerCase() : undefined;
}

/**
 * Which form a document is in, as Tracee decides: `type: policy` is the plain form, anything
 * else is read as the CRD form. A `type` other than `policy` beside apiVersion/kind is refused:
 * Tracee would ignore it, which hides what the author meant.
 */
function formProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("type" in value)) return undefined;
  const type = (value as { type: unknown }).type;
  if (normalType(value) === "policy") return undefined;
  const crd = "apiVersion" in value || "kind" in value;
  return `type: ${JSON.stringify(type)} is not "policy"; ` +
    (crd ? "a policy in the apiVersion/kind form has no type field" : 'the plain form needs "type: policy"');
}

function checkDocument(file: string, value: unknown, problems: string[]): PolicyDraft | undefined {
  const at = `${file}: ${describeName(value)}`;
  const form = formProblem(value);
  if (form !== undefined) {
    problems.push(`${at}: ${form}`);
    return undefined;
  }
  const plain = normalType(value) === "policy";
  const parsed = plain ? PlainPolicy.safeParse(value) : CrdPolicy.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
      problems.push(`${at}: ${path.replace(/^\./, "") || "(document)"}: ${issue.message}`);
    }
    return undefined;
  }
  let name: string, scope: string[] | undefined, rules: z.infer<typeof Rule>[] | undefined;
  let actions: string[] | undefined;
  let prefix: string;
  if ("type" in parsed.data) {
    const p = parsed.data;
    ({ name, scope, rules, defaultActions: actions } = p);
    prefix = "";
  } else {
    const p = parsed.data as z.infer<typeof CrdPolicy>;
    if (p.apiVersion !== API_VERSION) {
      problems.push(
        `${at}: apiVersion: unsupported apiVersion "${p.apiVersion}" (expected "${API_VERSION}")`,
      );
    }
    if (p.kind !== "Policy") problems.push(`${at}: kind: unsupported kind "${p.kind}" (expected "Policy")`);
    ({ scope, rules, defaultActions: actions } = p.spec);
    name = p.metadata.name;
    prefix = "spec.";
  }
  const nameField = prefix === "" ? "name" : "metadata.name";
  if (name.length > 253 || !DNS_1123.test(name)) {
    problems.push(
      `${at}: ${nameField}: "${name}" is not a valid name (DNS-1123: lowercase letters, digits, "-" and ".", ` +
        "starting and ending with a letter or digit, at most 253 characters)",
    );
  }
  if (scope === undefined || scope.length === 0) problems.push(`${at}: ${prefix}scope: must not be empty`);
  if (rules === undefined || rules.length === 0) problems.push(`${at}: ${prefix}rules: must not be empty`);
  checkActions(actions ?? [], `${at}: ${prefix}defaultActions`, problems);
  const seen = new Map<string, number>();
  const draftRules: DraftRule[] = (rules ?? []).map((rule, i) => {
    const where = `${at}: ${prefix}rules[${i}]`;
    if (rule.event.trim() === "") problems.push(`${where}.event: must not be empty`);
    const first = seen.get(rule.event);
    if (first !== undefined) {
      problems.push(`${where}.event: event "${rule.event}" is duplicated (also in rules[${first}])`);
    } else seen.set(rule.event, i);
    checkActions(rule.actions ?? [], `${where}.actions`, problems);
    return {
      event: rule.event,
      where: `${where}.event`,
      filters: (rule.filters ?? []).map((text, j) => ({ text, where: `${where}.filters[${j}]` })),
    };
  });
  return {
    name,
    where: at,
    // Tracee removes every space of a file's scope entry before reading it.
    scope: (scope ?? []).map((text, i) => ({
      text: text.replaceAll(" ", ""),
      where: `${at}: ${prefix}scope[${i}]`,
    })),
    rules: expandTags(draftRules, problems),
  };
}

/**
 * Rules whose event is `tag=SET[,SET]` replaced by one rule per event of the sets, after the
 * rules that name their event (so those keep their filters when a set also holds the event).
 */
function expandTags(rules: readonly DraftRule[], problems: string[]): DraftRule[] {
  const named = rules.filter((rule) => !rule.event.startsWith("tag="));
  const fromSets: DraftRule[] = [];
  for (const rule of rules) {
    if (!rule.event.startsWith("tag=")) continue;
    if (rule.filters.length > 0) {
      problems.push(`${rule.filters[0].where}: a tag= rule takes no filters; give the event its own rule`);
      continue;
    }
    const selection = tagSelection(rule.event);
    if (typeof selection === "string") {
      problems.push(`${rule.where}: "${rule.event}": ${selection}`);
      continue;
    }
    for (const left of selection.leftOut) log.info(leftOutNotice(rule.where, left));
    fromSets.push(...selection.events.map((event) => ({ event, where: rule.where, filters: [] })));
  }
  return [...named, ...fromSets];
}

function checkActions(actions: string[], where: string, problems: string[]): void {
  for (const action of actions) {
    if (!ACTIONS.has(action)) problems.push(`${where}: action "${action}" is not valid (use log or print)`);
  }
}
