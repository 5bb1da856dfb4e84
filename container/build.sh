#!/usr/bin/env bash
# Builds the sluice container image (Containerfile) with podman.
#
#   container/build.sh [IMAGE]          default IMAGE: localhost/sluice:latest
#
# SLUICE_BASE_IMAGE: the Debian bookworm image both stages start from. Unset, a minimal
# bookworm root file system is made from Debian's packages with mmdebstrap and imported as
# localhost/sluice-base:bookworm (once; later builds reuse it), so no image registry is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:-localhost/sluice:latest}
base=${SLUICE_BASE_IMAGE:-localhost/sluice-base:bookworm}

for tool in podman deno; do
  command -v "$tool" >/dev/null || { echo "container: $tool not found: apt-get install podman buildah runc" >&2; exit 1; }
done

if [ -z "${SLUICE_BASE_IMAGE:-}" ] && ! podman image exists "$base"; then
  command -v mmdebstrap >/dev/null || { echo "container: mmdebstrap not found: apt-get install mmdebstrap" >&2; exit 1; }
  rootfs=$(mktemp --suffix=.tar)
  trap 'rm -f "$rootfs"' EXIT
  echo "container: making $base with mmdebstrap (Debian bookworm, minbase)" >&2
  mmdebstrap --quiet --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian
  podman import --quiet "$rootfs" "$base" >/dev/null
fi

context=$(mktemp -d)
trap 'rm -rf "$context" ${rootfs:+"$rootfs"}' EXIT
mkdir -p "$context/src/bpf"
cp -r main.ts deno.json deno.lock lib "$context/src/"
cp bpf/*.c bpf/*.h bpf/build.ts "$context/src/bpf/"
cp "$(deno eval --quiet 'console.log(Deno.execPath())')" "$context/deno"
# The npm packages, fetched here (where the registry's certificates check out), not in the build.
DENO_DIR="$context/deno_dir" deno cache --quiet --frozen --config "$context/src/deno.json" "$context/src/main.ts"

podman build --quiet --isolation chroot --build-arg "BASE=$base" -f Containerfile -t "$image" "$context" >/dev/null
echo "container: built $image ($(podman image inspect --format '{{.Size}}' "$image" | numfmt --to=iec))" >&2
