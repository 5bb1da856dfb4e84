// SPDX-License-Identifier: GPL-2.0
// 32-bit (compat) syscalls, made by i386 programs or by any program through `int $0x80`: traced as
// the x86_64 syscall Tracee reports them as (its sys_32_to_64_map), with their arguments read from
// the i386 registers. User space writes the table (lib/bpf/compat_table.ts).
#ifndef SLUICE_COMPAT_H
#define SLUICE_COMPAT_H

#define TS_COMPAT 0x0002
// i386's execve: what a successful compat exec of a 64-bit program returns as (then read as munmap).
#define NR32_EXECVE 11
#define NR32_EXECVEAT 358

// An i386 number's x86_64 twin + 1 (0: none), with COMPAT_TIME32 when its timespec is 32-bit.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, COMPAT_SLOTS);
	__type(key, u32);
	__type(value, u32);
} compat_syscalls SEC(".maps");

// How a syscall's arguments are laid out: ABI_COMPAT for an i386 syscall, and ABI_TIME32 too when
// its timespec is the old 32-bit one.
#define ABI_COMPAT 1
#define ABI_TIME32 2

static __always_inline bool task_compat(struct task_struct *task)
{
	return task->thread_info.status & TS_COMPAT;
}

// The x86_64 number Tracee reports i386 syscall `id` as; -1 for one with no twin (socketcall, ipc,
// the 16-bit uid calls, ...), which sluice does not trace.
static __always_inline long native_syscall(long id, u32 *abi)
{
	if (id < 0 || id >= COMPAT_SLOTS)
		return -1;
	u32 key = id;
	u32 *v = bpf_map_lookup_elem(&compat_syscalls, &key);
	if (!v || !(*v & ~COMPAT_TIME32))
		return -1;
	*abi = ABI_COMPAT | ((*v & COMPAT_TIME32) ? ABI_TIME32 : 0);
	return (*v & ~COMPAT_TIME32) - 1;
}

// Whether an exec entered as x86_64 syscall `saved` in mode `abi` can have returned as `raw`: a
// successful exec returns as execve (execveat too), numbered in the mode it was entered in,
// whatever mode the program it started runs in.
static __always_inline bool exec_returned(u64 saved, long raw, u64 abi)
{
	if (saved != NR_EXECVE && saved != NR_EXECVEAT)
		return false;
	if (abi & ABI_COMPAT)
		return raw == NR32_EXECVE || raw == NR32_EXECVEAT;
	return raw == NR_EXECVE || raw == NR_EXECVEAT;
}

// The syscall of an exec in progress: by then the task may have switched between 64 and 32 bits,
// and its syscall number is the other mode's.
static __always_inline u32 exec_syscall(struct task_struct *task)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	long nr = regs->orig_ax;
	if (nr == NR_EXECVE || nr == NR32_EXECVE)
		return NR_EXECVE;
	if (nr == NR_EXECVEAT || nr == NR32_EXECVEAT)
		return NR_EXECVEAT;
	return NO_SYSCALL; // started by the kernel
}

#endif
