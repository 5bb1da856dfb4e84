// SPDX-License-Identifier: GPL-2.0
// sluice's kernel side: tracepoints that turn syscalls and process, cgroup and connection
// activity into records on one BPF ring buffer. The record layout and every constant shared with
// user space come from bpf/build/record.h, generated from lib/bpf/layout.ts and the catalog.
//
// Programs that make records run in process context, except where noted; one that interrupts
// another on the same CPU finds the scratch slot busy and counts its record lost (task.h).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "record.h"

#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

#include "maps.h"
#include "writer.h"
#include "compat.h"
#include "filter.h"
#include "path.h"
#include "task.h"
#include "args.h"
#include "exec.h"

char LICENSE[] SEC("license") = "GPL";

#define TCP_SYN_SENT 2
#define TCP_CLOSE 7
#define AF_INET 2
#define AF_INET6 10
#define PF_SIGNALED 0x00000400
#define S_IFMT 00170000

static __always_inline bool is_enabled(u32 id)
{
	u32 *on = bpf_map_lookup_elem(&enabled, &id);
	return on && *on;
}

// Whether raw syscall number `raw` may be traced in either mode: the test every syscall of every
// task takes, so it reads neither the task nor the descriptor.
static __always_inline bool gate_open(long raw)
{
	if (raw < 0 || raw >= GATE_SLOTS)
		return false;
	u32 key = raw;
	u32 *open = bpf_map_lookup_elem(&syscall_gate, &key);
	return open && *open;
}

static __always_inline struct syscall_desc *syscall_desc(long id)
{
	if (id < 0 || id >= SYSCALL_SLOTS)
		return NULL;
	u32 key = id;
	return bpf_map_lookup_elem(&syscalls, &key);
}

static __always_inline void read_args(struct pt_regs *regs, u64 *a, u32 abi)
{
	if (abi & ABI_COMPAT) {
		// i386's order; the kernel reads only the low halves, which a 64-bit caller of int $0x80
		// need not have cleared.
		a[0] = (u32)regs->bx;
		a[1] = (u32)regs->cx;
		a[2] = (u32)regs->dx;
		a[3] = (u32)regs->si;
		a[4] = (u32)regs->di;
		a[5] = (u32)regs->bp;
		return;
	}
	a[0] = regs->di;
	a[1] = regs->si;
	a[2] = regs->dx;
	a[3] = regs->r10;
	a[4] = regs->r8;
	a[5] = regs->r9;
}

// A syscall that does not return (exit, exit_group), reported with the arguments it was entered with.
static __always_inline void report_at_entry(long id, const struct syscall_desc *d, struct pt_regs *regs, u32 abi)
{
	u64 a[SYSCALL_ARGS];
	struct record_writer w;
	read_args(regs, a, abi);
	if (!begin(&w, id, id, 0))
		return;
	put_args(&w, d, a, abi);
	finish(&w);
}

// A 32-bit (compat) syscall goes by its x86_64 twin's number from here on (compat.h).
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	if (!gate_open(id))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	u32 abi = 0;
	if (task_compat(task))
		id = native_syscall(id, &abi);
	struct syscall_desc *d = syscall_desc(id);
	if (!d || !d->on)
		return 0;
	if (d->flags & SYSCALL_AT_ENTRY) {
		report_at_entry(id, d, regs, abi);
		return 0;
	}
	// What no policy can want is not saved, and its exit finds nothing pending; a syscall that can
	// change what the filter reads (SYSCALL_RESCOPE) is decided at its exit, on the task as it is then.
	if (!(d->flags & SYSCALL_RESCOPE)) {
		u64 pid_tgid = bpf_get_current_pid_tgid();
		if (is_self(pid_tgid) || !scope_wants(task, id, pid_tgid >> 32))
			return 0;
	}
	struct saved_args *a = bpf_task_storage_get(&args, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!a)
		return 0;
	a->id = id + 1;
	a->abi = abi;
	read_args(regs, a->a, abi);
	if (id == NR_EXECVE || id == NR_EXECVEAT)
		save_exec_name(task, (const void *)(id == NR_EXECVE ? a->a[0] : a->a[1]));
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	long raw = regs->orig_ax;
	// A successful exec may return in the other mode (compat.h: exec_returned), where its number
	// reads as another syscall (i386's execve, 11, as munmap): the id saved at entry decides.
	bool exec = raw == NR_EXECVE || raw == NR_EXECVEAT || raw == NR32_EXECVE || raw == NR32_EXECVEAT;
	if (!exec && !gate_open(raw))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	u32 abi = 0;
	long id = task_compat(task) ? native_syscall(raw, &abi) : raw;
	struct syscall_desc *d = syscall_desc(id);
	if (!exec && (!d || !d->on))
		return 0;
	struct saved_args *sa = bpf_task_storage_get(&args, task, 0, 0);
	if (!sa || !sa->id)
		return 0;
	u64 saved = sa->id - 1;
	sa->id = 0;
	if (saved != (u64)id) {
		if (!exec || ret != 0 || !exec_returned(saved, raw, sa->abi))
			return 0;
		id = saved;
		d = syscall_desc(id);
	}
	if (!d || !d->on)
		return 0;
	u64 a[SYSCALL_ARGS];
	__builtin_memcpy(a, sa->a, sizeof(a));
	abi = sa->abi;
	struct record_writer w;
	if (!begin(&w, id, id, ret))
		return 0;
	if (id == NR_EXECVE || id == NR_EXECVEAT)
		put_exec_args(&w, id, a, ret, abi);
	else
		put_args(&w, d, a, abi);
	finish(&w);
	return 0;
}

// Tracee's fork fields come in groups of five: tid, ns_tid, pid, ns_pid, start time.
#define FORK_GROUP(who)                                                                                   \
	_Static_assert(F_SCHED_PROCESS_FORK_##who##_NS_TID == F_SCHED_PROCESS_FORK_##who##_TID + 1 &&       \
			       F_SCHED_PROCESS_FORK_##who##_PID == F_SCHED_PROCESS_FORK_##who##_TID + 2 &&   \
			       F_SCHED_PROCESS_FORK_##who##_NS_PID == F_SCHED_PROCESS_FORK_##who##_TID + 3, \
		       #who " fork fields")
FORK_GROUP(PARENT);
FORK_GROUP(CHILD);
FORK_GROUP(PARENT_PROCESS);
FORK_GROUP(LEADER);
_Static_assert(F_SCHED_PROCESS_FORK_PARENT_START_TIME == F_SCHED_PROCESS_FORK_PARENT_TID + 4 &&
		       F_SCHED_PROCESS_FORK_START_TIME == F_SCHED_PROCESS_FORK_CHILD_TID + 4 &&
		       F_SCHED_PROCESS_FORK_PARENT_PROCESS_START_TIME == F_SCHED_PROCESS_FORK_PARENT_PROCESS_TID + 4 &&
		       F_SCHED_PROCESS_FORK_LEADER_START_TIME == F_SCHED_PROCESS_FORK_LEADER_TID + 4,
	       "fork start times");

// One group of fork fields, from `field` on.
static __always_inline void put_task(struct record_writer *w, u8 field, struct task_struct *t)
{
	put_s32(w, field, t->pid);
	put_s32(w, field + 1, task_ns_tid(t));
	put_s32(w, field + 2, t->tgid);
	put_s32(w, field + 3, task_ns_tgid(t));
	u64 start = t->start_time;
	put_fixed(w, field + 4, WIRE_BOOTTIME, &start, sizeof(start));
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!is_enabled(EVENT_SCHED_PROCESS_FORK))
		return 0;
	struct record_writer w;
	if (!begin(&w, EVENT_SCHED_PROCESS_FORK, SYSCALL_LOOKUP, 0))
		return 0;
	struct task_struct *leader = child->group_leader;
	put_task(&w, F_SCHED_PROCESS_FORK_PARENT_TID, parent);
	put_task(&w, F_SCHED_PROCESS_FORK_CHILD_TID, child);
	put_task(&w, F_SCHED_PROCESS_FORK_PARENT_PROCESS_TID, leader->real_parent->group_leader);
	put_task(&w, F_SCHED_PROCESS_FORK_LEADER_TID, leader);
	finish(&w);
	return 0;
}

/* Kernels before 6.6 kept the change time as one struct timespec64. */
struct inode___before_6_6 {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

static __always_inline u64 inode_ctime(struct inode *inode)
{
	if (bpf_core_field_exists(inode->i_ctime_sec)) {
		// The top bits of i_ctime_nsec are flags on kernels with multigrain timestamps.
		return BPF_CORE_READ(inode, i_ctime_sec) * 1000000000ULL +
		       (BPF_CORE_READ(inode, i_ctime_nsec) & 0x3fffffff);
	}
	struct inode___before_6_6 *old = (void *)inode;
	return BPF_CORE_READ(old, i_ctime.tv_sec) * 1000000000ULL + BPF_CORE_READ(old, i_ctime.tv_nsec);
}

// The comm a task had before exec renamed it, for sched_process_exec's prev_comm.
struct prev_comm {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct prev_comm);
} prev_comms SEC(".maps");

// Runs before exec's point of no return, while the task still has its old name (Linux 6.10+).
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(sched_prepare_exec, struct task_struct *task, struct linux_binprm *bprm)
{
	struct prev_comm *p = bpf_task_storage_get(&prev_comms, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (p)
		bpf_get_current_comm(p->comm, sizeof(p->comm));
	return 0;
}

static __always_inline struct file *stdin_file(struct task_struct *task)
{
	struct file *f = NULL;
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fd = BPF_CORE_READ(fdt, fd);
	if (!fd || BPF_CORE_READ(fdt, max_fds) == 0)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fd[0]);
	return f;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!is_enabled(EVENT_SCHED_PROCESS_EXEC))
		return 0;
	struct record_writer w;
	struct task_struct *task = bpf_get_current_task_btf();
	if (!begin(&w, EVENT_SCHED_PROCESS_EXEC, exec_syscall(task), 0))
		return 0;
	struct file *file = bprm->file;
	struct inode *inode = file->f_inode;
	put_kernel_str(&w, F_SCHED_PROCESS_EXEC_CMDPATH, bprm->filename);
	put_path(&w, F_SCHED_PROCESS_EXEC_PATHNAME, &file->f_path);
	put_u32(&w, F_SCHED_PROCESS_EXEC_DEV, inode->i_sb->s_dev);
	put_u64(&w, F_SCHED_PROCESS_EXEC_INODE, inode->i_ino);
	put_u64(&w, F_SCHED_PROCESS_EXEC_CTIME, inode_ctime(inode));
	put_u32(&w, F_SCHED_PROCESS_EXEC_INODE_MODE, inode->i_mode);
	struct mm_struct *mm = task->mm;
	put_area(&w, F_SCHED_PROCESS_EXEC_ARGV, mm->arg_start, mm->arg_end, ARGV_BYTES);
	put_kernel_str(&w, F_SCHED_PROCESS_EXEC_INTERP, bprm->interp);
	struct file *in = stdin_file(task);
	if (in) {
		put_u32(&w, F_SCHED_PROCESS_EXEC_STDIN_TYPE, BPF_CORE_READ(in, f_inode, i_mode) & S_IFMT);
		put_path(&w, F_SCHED_PROCESS_EXEC_STDIN_PATH, &in->f_path);
	}
	put_bool(&w, F_SCHED_PROCESS_EXEC_INVOKED_FROM_KERNEL, task->real_parent->flags & PF_KTHREAD);
	struct prev_comm *prev = bpf_task_storage_get(&prev_comms, task, 0, 0);
	if (prev) {
		put_kernel_str(&w, F_SCHED_PROCESS_EXEC_PREV_COMM, prev->comm);
		bpf_task_storage_delete(&prev_comms, task);
	}
	if (exec_env_wanted())
		put_area(&w, F_SCHED_PROCESS_EXEC_ENV, mm->env_start, mm->env_end, ENV_BYTES);
	put_path(&w, F_SCHED_PROCESS_EXEC_PWD, &task->fs->pwd);
	finish(&w);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	if (!is_enabled(EVENT_SCHED_PROCESS_EXIT))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	bool signaled = task->flags & PF_SIGNALED;
	struct record_writer w;
	// A task killed by a signal has no trustworthy syscall context.
	if (!begin(&w, EVENT_SCHED_PROCESS_EXIT, signaled ? NO_SYSCALL : SYSCALL_LOOKUP, 0))
		return 0;
	int code = task->exit_code;
	put_s32(&w, F_SCHED_PROCESS_EXIT_EXIT_CODE, code >> 8);
	if (signaled)
		put_s32(&w, F_SCHED_PROCESS_EXIT_SIGNAL_CODE, code & 0xff);
	put_bool(&w, F_SCHED_PROCESS_EXIT_PROCESS_GROUP_EXIT, task->signal->live.counter == 0);
	finish(&w);
	return 0;
}

// tp_btf rather than tracepoint/: it needs no tracefs mounted. The state change it reports
// happens in connect(), in process context.
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(inet_sock_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (newstate != TCP_SYN_SENT || oldstate != TCP_CLOSE || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (!is_enabled(EVENT_NET_TCP_CONNECT))
		return 0;
	struct record_writer w;
	if (!begin(&w, EVENT_NET_TCP_CONNECT, SYSCALL_LOOKUP, 0))
		return 0;
	struct {
		u16 family;
		u8 addr[16];
	} __attribute__((packed)) ip = {};
	ip.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (ip.family == AF_INET6)
		BPF_CORE_READ_INTO(&ip.addr, sk, __sk_common.skc_v6_daddr);
	else
		BPF_CORE_READ_INTO((u32 *)ip.addr, sk, __sk_common.skc_daddr);
	put_fixed(&w, F_NET_TCP_CONNECT_DST, WIRE_IP, &ip, sizeof(ip));
	put_s32(&w, F_NET_TCP_CONNECT_DST_PORT, bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport)));
	finish(&w);
	return 0;
}

#include "events.h"

// Attached alone for a moment at start: records the host tgid of the process that calls
// lseek(-1, nonce) with the secret nonce user space wrote into the settings, which is sluice
// itself. Deno.pid is sluice's pid in its own pid namespace, not the kernel's.
SEC("tp_btf/sys_enter")
int BPF_PROG(self_marker, struct pt_regs *regs, long id)
{
	if (id != NR_LSEEK)
		return 0;
	u32 zero = 0;
	struct settings *cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!cfg || cfg->self_tgid || !cfg->nonce || regs->si != cfg->nonce || (int)regs->di != -1)
		return 0;
	cfg->self_tgid = bpf_get_current_pid_tgid() >> 32;
	return 0;
}

// Programs that do nothing, loaded alone at start under --log debug to learn whether this kernel
// can attach kprobes and fentry programs (lib/bpf/probe.ts).
SEC("kprobe/do_nanosleep")
int probe_kprobe(void *ctx)
{
	return 0;
}

SEC("fentry/do_nanosleep")
int BPF_PROG(probe_fentry)
{
	return 0;
}
