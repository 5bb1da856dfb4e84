/**
 * The `--enrichment` flag in Tracee's forms. sluice takes `environment` (exec events carry the
 * environment: `execve`'s and `execveat`'s `envp`, `sched_process_exec`'s `env`); Tracee's other
 * options are refused by name, an unknown one as Tracee words it.
 *
 * @module
 */

/** What `--enrichment` asks for. */
export interface EnrichmentSettings {
  /** Exec events carry the environment. @default {false} */
  environment: boolean;
}

/** Tracee's options that sluice does not take, with why. */
const UNSUPPORTED: Record<string, string> = {
  "container": "sluice does not ask container runtimes; container ids come from the cgroup path",
  "container.cgroupfs.path": "sluice does not ask container runtimes",
  "container.cgroupfs.force": "sluice does not ask container runtimes",
  "container.docker.socket": "sluice does not ask container runtimes",
  "container.containerd.socket": "sluice does not ask container runtimes",
  "container.crio.socket": "sluice does not ask container runtimes",
  "container.podman.socket": "sluice does not ask container runtimes",
  "fd-paths": "sluice does not resolve descriptors to paths",
  "executable-hash": "sluice does not hash executables",
  "executable-hash.mode": "sluice does not hash executables",
  "user-stack": "sluice does not capture stacks",
  "decoded-data": "sluice always decodes arguments",
};

/** Reads every `--enrichment` value, with one problem line per bad value. */
export function parseEnrichmentFlags(
  values: readonly string[],
): { settings: EnrichmentSettings; problems: string[] } {
  const problems: string[] = [];
  let environment = false;
  for (const value of values) {
    const key = value.split("=")[0];
    if (value === "environment") environment = true;
    else if (key in UNSUPPORTED) {
      problems.push(
        `--enrichment ${value}: Tracee's ${key} is not supported by sluice (${UNSUPPORTED[key]})`,
      );
    } else {
      problems.push(
        `--enrichment ${value}: invalid enrichment flag: ${value}; sluice takes environment`,
      );
    }
  }
  return { settings: { environment }, problems };
}
