#!/bin/sh
# Boots Debian's stock kernel (the linux-image-amd64 package) in qemu over this host's root, shared
# read-only, and runs tools/vm_guest.ts there: the kernel checks this host's kernel cannot make
# (module_load/module_free need CONFIG_MODULES; the default event set on a kernel without
# sched_prepare_exec). Run as root from anywhere: tools/vm_check.sh, or deno task vm:check.
#
# The kernel package (linux-image-amd64 resolved to its versioned package) is downloaded once into
# $SLUICE_VM_DIR (default /var/tmp/sluice-vm), never into the repository. Exit status: 0 when
# every guest check passed, 1 when one failed, 2 when the VM could not be set up or did not report
# within 15 minutes. SLUICE_VM_GUEST runs another command in the guest instead, from the
# repository (e.g. 'bpftool -d prog loadall bpf/build/sluice.bpf.o /sys/fs/bpf/sluice' prints a
# verifier log in full, which sluice's --log debug cuts); its output is in the console log.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${SLUICE_VM_DIR:-/var/tmp/sluice-vm}
guest=${SLUICE_VM_GUEST:-$(command -v deno) run -A tools/vm_guest.ts}

fail() {
	echo "vm_check: $*" >&2
	exit 2
}

for tool in qemu-system-x86_64 busybox apt-get dpkg-deb depmod deno; do
	command -v "$tool" >/dev/null ||
		fail "$tool is missing: apt-get install -y qemu-system-x86 busybox-static kmod (and deno)"
done
busybox_bin=$(command -v busybox)
# The guest runs it before any library is reachable.
! ldd "$busybox_bin" >/dev/null 2>&1 || fail "$busybox_bin is not static: apt-get install -y busybox-static"
[ "$(id -u)" = 0 ] || fail "run as root: the guest reaches this host's files as their owner"

mkdir -p "$dir"
cd "$dir"

# The metapackage depends on the versioned image package; fetch that one once.
if ! ls linux-image-*-amd64_*.deb >/dev/null 2>&1; then
	apt-get download linux-image-amd64 >/dev/null 2>&1 || fail "apt-get download linux-image-amd64 failed"
	image=$(dpkg-deb -f linux-image-amd64_*.deb Depends | sed -n 's/^\(linux-image-[^ ,]*\).*/\1/p')
	[ -n "$image" ] || fail "linux-image-amd64 names no linux-image package"
	apt-get download "$image" >/dev/null 2>&1 || fail "apt-get download $image failed"
fi
deb=$(ls linux-image-[0-9]*-amd64_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no versioned linux-image package in $dir"
if [ ! -d kernel/boot ]; then
	rm -rf kernel
	dpkg-deb -x "$deb" kernel
fi
release=$(ls kernel/lib/modules | head -n 1)
modules=$dir/kernel/lib/modules/$release
[ -f "$modules/modules.dep" ] || depmod -b "$dir/kernel" "$release"

# The initramfs: busybox, the modules that reach the shared root (virtio, 9p) and make it
# writable (overlay), and /init.
rm -rf initramfs
mkdir -p initramfs/bin initramfs/modules initramfs/proc initramfs/sys initramfs/dev initramfs/lower \
	initramfs/rw initramfs/root
cp "$busybox_bin" initramfs/bin/busybox
# Each module's dependencies (modules.dep lists the deepest last) before it, each once.
load=""
for module in virtio_pci 9pnet_virtio 9p overlay; do
	line=$(grep "^kernel/.*/$module\.ko:" "$modules/modules.dep") || fail "$release has no $module module"
	for path in $(echo "${line#*:}" | tr ' ' '\n' | sed '/^$/d' | tac) "${line%%:*}"; do
		name=$(basename "$path")
		case " $load " in *" $name "*) continue ;; esac
		load="$load $name"
		cp "$modules/$path" initramfs/modules/
	done
done

cat >initramfs/init <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for module in $load; do insmod /modules/\$module || echo "vm_check: insmod \$module failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose root /lower ||
	echo "vm_check: cannot mount the host's root over 9p"
mount -t tmpfs -o size=1536m rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work root /root ||
	echo "vm_check: cannot mount the overlay"
mount --move /proc /root/proc
mount --move /sys /root/sys
mount --move /dev /root/dev
mount -t tmpfs tmp /root/tmp
mount -t tracefs tracefs /root/sys/kernel/tracing
mount -t debugfs debugfs /root/sys/kernel/debug
mount -t bpf bpf /root/sys/fs/bpf
# modprobe looks for $release's modules where this host has none: the unpacked package's, from the
# 9p mount itself so a module's file is the one stat(2) sees in the guest.
mkdir -p /root/usr/lib/modules/$release
mount --bind /lower$modules /root/usr/lib/modules/$release
echo "vm_check: guest up after \$(cut -d' ' -f1 /root/proc/uptime) s on \$(uname -r)"
# switch_root, not chroot: paths the kernel resolves (a module's file, an executable) are then the
# guest's own, without a /root in front. The host's busybox powers off at the end.
exec switch_root /root /bin/busybox sh -c \
	'cd $repo; env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	NO_COLOR=1 DENO_NO_UPDATE_CHECK=1 $guest 2>&1; echo "vm_check: guest exit \$?"; busybox poweroff -f'
EOF
chmod +x initramfs/init
(cd initramfs && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >initramfs.gz

log=$dir/console.log
echo "vm_check: booting $release ($deb) under qemu; console in $log" >&2
started=$(date +%s)
# TCG by default: where /dev/kvm exists but the CPU shows no vmx/svm (a nested guest), qemu's KVM
# aborted (MSR 0x10a) or hung in early boot. SLUICE_VM_ACCEL=kvm uses KVM where it works.
timeout 900 nice -n 10 qemu-system-x86_64 -accel "${SLUICE_VM_ACCEL:-tcg}" -cpu max -smp 2 -m 3072 -nographic -no-reboot \
	-kernel kernel/boot/vmlinuz-"$release" -initrd initramfs.gz \
	-append "console=ttyS0 quiet panic=-1 rdinit=/init" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-nic none </dev/null 2>&1 | tr -d '\r' | tee "$log" | grep --line-buffered -E '^(vm_check|ok|FAIL|event| )' ||
	true
echo "vm_check: $(($(date +%s) - started)) s from qemu start to power-off" >&2
status=$(sed -n 's/^vm_check: guest exit \([0-9]*\)$/\1/p' "$log" | tail -n 1)
[ -n "$status" ] || fail "the guest did not report (see $log)"
[ "$status" = 0 ] || exit 1
