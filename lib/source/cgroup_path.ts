/**
 * The container a cgroup path names, by Tracee's rules (pkg/datastores/container): the last
 * component that is `docker-ID.scope`, `crio-ID.scope`, `cri-containerd-ID.scope`,
 * `...:cri-containerd:ID`, `libpod-ID.scope`, or a bare 64-hex-digit id (`docker/ID`, a Kubernetes
 * `podUID/ID`), or a Garden id.
 *
 * @module
 */

/** A container named by a cgroup path. */
export interface CgroupContainer {
  id: string;
  /** Tracee's runtime names: docker, containerd, crio, podman, garden, unknown. */
  runtime: string;
  /** The path is the container's own cgroup (its last component names it), not one below it. */
  root: boolean;
}

const HEX_ID = /^[A-Fa-f0-9]{64}$/;
const GARDEN_ID = /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){4}$/;
const PREFIXES: readonly [string, string][] = [
  ["docker-", "docker"],
  ["crio-", "crio"],
  ["cri-containerd-", "containerd"],
  ["libpod-", "podman"],
];

function named(part: string, previous: string | undefined): Omit<CgroupContainer, "root"> | undefined {
  let id = part.endsWith(".scope") ? part.slice(0, -".scope".length) : part;
  for (const [prefix, runtime] of PREFIXES) {
    if (!id.startsWith(prefix)) continue;
    id = id.slice(prefix.length);
    // conmon watches a container; it is not one.
    return id.startsWith("conmon-") ? undefined : { id, runtime };
  }
  const cri = part.lastIndexOf(":cri-containerd:");
  if (cri >= 0) return { id: part.slice(cri + ":cri-containerd:".length), runtime: "containerd" };
  if (HEX_ID.test(id) && previous !== undefined) {
    const runtime = previous === "docker" || previous === "actions_job"
      ? "docker"
      : previous.startsWith("pod")
      ? "containerd"
      : "unknown";
    return { id, runtime };
  }
  if (GARDEN_ID.test(id)) return { id, runtime: "garden" };
  return undefined;
}

/** The container `path` (a cgroup path below the hierarchy's root) names, or `undefined`. */
export function containerOfCgroupPath(path: string): CgroupContainer | undefined {
  const parts = path.split("/");
  for (let i = parts.length - 1; i >= 0; i--) {
    // A container id is at least 28 characters long.
    if (parts[i].length < 28) continue;
    const found = named(parts[i], i > 0 ? parts[i - 1] : undefined);
    if (found !== undefined) return { ...found, root: i === parts.length - 1 };
  }
  return undefined;
}
