// SPDX-License-Identifier: GPL-2.0
// sluice's kernel side: tracepoints that turn process, syscall and connection activity into compact
// records on one BPF ring buffer. The record layout is described in bpf/record.h and decoded by
// lib/events/decode.ts; keep the three in step.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "record.h"

char LICENSE[] SEC("license") = "GPL";

// Scratch records are assembled at offsets masked to HALF, so any write of at most HALF bytes
// stays inside the 2*HALF buffer whatever the offset: that is what lets the verifier accept
// variable-length strings.
#define HALF 16384
#define MASK (HALF - 1)
#define STR_MAX 4096
#define ARGV_MAX 32
#define PATH_DEPTH 32
#define TS_COMPAT 0x0002
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7

struct scratch {
	u8 data[2 * HALF];
};

struct settings {
	u32 self_tgid;
	u32 pad;
	u64 wakeup_bytes;
};

struct saved_args {
	u64 id; // syscall number + 1; 0 when nothing is pending
	u64 a[6];
};

struct exec_path {
	u8 path[STR_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EVENT_ID_LIMIT);
	__type(key, u32);
	__type(value, u32);
} enabled SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct settings);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scratch);
} pathbuf SEC(".maps");

// Arguments saved at syscall entry, per task: task storage is far cheaper than a hash map.
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct saved_args);
} args SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 512);
	__type(key, u32);
	__type(value, struct exec_path);
} exec_paths SEC(".maps");

static __always_inline bool is_enabled(u32 id)
{
	u32 *on = bpf_map_lookup_elem(&enabled, &id);
	return on && *on;
}

static __always_inline u32 unique_id(u32 host_id, u64 start_time)
{
	return (u32)(((start_time ^ ((u64)host_id << 32)) * 0x9E3779B97F4A7C15ULL) >> 32);
}

// Direct loads through BTF pointers: far cheaper than a probe-read helper call per field.
static __always_inline u32 ns_nr(struct pid *p)
{
	unsigned int level = p->level;
	if (level == 0)
		return p->numbers[0].nr;
	struct upid upid = {};
	bpf_core_read(&upid, sizeof(upid), (void *)((u64)p + bpf_core_field_offset(struct pid, numbers)) +
						   (level & 31) * sizeof(struct upid));
	return upid.nr;
}

static __always_inline u32 task_ns_tid(struct task_struct *t)
{
	return ns_nr(t->thread_pid);
}

static __always_inline u32 task_ns_tgid(struct task_struct *t)
{
	return ns_nr(t->group_leader->thread_pid);
}

static __always_inline void split_ns(u64 ns, u32 *sec, u32 *nsec)
{
	*sec = ns / 1000000000ULL;
	*nsec = ns % 1000000000ULL;
}

// Fills the header from the current task; returns the scratch buffer or NULL when the event is
// not to be submitted (sluice itself, or no buffer).
static __always_inline struct record_header *begin(u32 event_id, u32 syscall, s64 retval)
{
	u32 zero = 0;
	u64 pid_tgid = bpf_get_current_pid_tgid();
	struct settings *cfg = bpf_map_lookup_elem(&settings, &zero);
	if (cfg && cfg->self_tgid == (u32)(pid_tgid >> 32))
		return NULL;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return NULL;
	struct record_header *h = (struct record_header *)s->data;
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *leader = task->group_leader;
	struct task_struct *parent = task->real_parent;
	u64 start = task->start_time;

	split_ns(bpf_ktime_get_ns(), &h->ts_sec, &h->ts_nsec);
	split_ns(start, &h->start_sec, &h->start_nsec);
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->event_id = event_id;
	h->host_tid = (u32)pid_tgid;
	h->host_pid = pid_tgid >> 32;
	h->tid = task_ns_tid(task);
	h->pid = task_ns_tgid(task);
	h->host_ppid = parent->tgid;
	h->ppid = task_ns_tgid(parent);
	h->uid = (u32)bpf_get_current_uid_gid();
	h->mnt_ns = task->nsproxy->mnt_ns->ns.inum;
	h->pid_ns = task->nsproxy->pid_ns_for_children->ns.inum;
	h->thread_unique_id = unique_id(h->host_tid, start);
	h->process_unique_id = unique_id(h->host_pid, leader->start_time);
	h->parent_unique_id = unique_id(h->host_ppid, parent->group_leader->start_time);
	if (syscall == NO_SYSCALL) {
		// The syscall the task is in, if any: Tracee names it in every event's context.
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
		long nr = regs->orig_ax;
		if (nr >= 0)
			syscall = nr;
	}
	h->syscall = syscall;
	h->retval = retval;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
	h->flags = 0;
	h->reserved = 0;
	return h;
}

static __always_inline void submit(struct record_header *h, u32 size)
{
	u32 zero = 0;
	u64 flags = BPF_RB_NO_WAKEUP;
	struct settings *cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!cfg || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= cfg->wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (size > HALF)
		size = HALF;
	if (size < sizeof(*h))
		size = sizeof(*h);
	if (bpf_ringbuf_output(&events, h, size, flags) != 0) {
		u64 *n = bpf_map_lookup_elem(&lost, &zero);
		if (n)
			*n += 1;
	}
}

static __always_inline u32 put_u32(u8 *buf, u32 off, u8 field, u8 type, u32 v)
{
	off &= MASK;
	buf[off] = field;
	buf[off + 1] = type;
	__builtin_memcpy(&buf[off + 2], &v, 4);
	return off + 6;
}

static __always_inline u32 put_u64(u8 *buf, u32 off, u8 field, u8 type, u64 v)
{
	off &= MASK;
	buf[off] = field;
	buf[off + 1] = type;
	__builtin_memcpy(&buf[off + 2], &v, 8);
	return off + 10;
}

static __always_inline u32 put_len(u8 *buf, u32 off, u8 field, u8 type, u32 len)
{
	off &= MASK;
	buf[off] = field;
	buf[off + 1] = type;
	u16 l = len;
	__builtin_memcpy(&buf[off + 2], &l, 2);
	return off + 4 + len;
}

// A string: [field][WIRE_STR][u16 length][bytes without the NUL].
static __always_inline u32 put_user_str(u8 *buf, u32 off, u8 field, const void *ptr)
{
	if (!ptr)
		return off;
	off &= MASK;
	long n = bpf_probe_read_user_str(&buf[off + 4], STR_MAX, ptr);
	if (n <= 0)
		return off;
	return put_len(buf, off, field, WIRE_STR, (n - 1) & (STR_MAX - 1));
}

static __always_inline u32 put_kernel_str(u8 *buf, u32 off, u8 field, const void *ptr)
{
	if (!ptr)
		return off;
	off &= MASK;
	long n = bpf_probe_read_kernel_str(&buf[off + 4], STR_MAX, ptr);
	if (n <= 0)
		return off;
	return put_len(buf, off, field, WIRE_STR, (n - 1) & (STR_MAX - 1));
}

// A socket address: [field][WIRE_SOCKADDR][u16 length][raw struct sockaddr bytes].
static __always_inline u32 put_sockaddr(u8 *buf, u32 off, u8 field, const void *ptr, s64 len)
{
	if (!ptr || len <= 0)
		return off;
	if (len > 128)
		len = 128;
	off &= MASK;
	if (bpf_probe_read_user(&buf[off + 4], len & 255, ptr) != 0)
		return off;
	return put_len(buf, off, field, WIRE_SOCKADDR, len & 255);
}

// A NUL-separated block of strings (an argv area): [field][WIRE_STR_ARRAY][u16 length][bytes].
static __always_inline u32 put_user_block(u8 *buf, u32 off, u8 field, u64 start, u64 end)
{
	u64 len = end - start;
	if (!start || end <= start)
		return off;
	if (len > STR_MAX)
		len = STR_MAX;
	off &= MASK;
	if (bpf_probe_read_user(&buf[off + 4], len & (STR_MAX - 1), (void *)start) != 0)
		return off;
	return put_len(buf, off, field, WIRE_STR_ARRAY, len & (STR_MAX - 1));
}

// argv from a user array of pointers (a failed exec still has them).
static __always_inline u32 put_user_argv(u8 *buf, u32 off, u8 field, const char *const *argv)
{
	if (!argv)
		return off;
	off &= MASK;
	u32 len = 0;
	for (int i = 0; i < ARGV_MAX; i++) {
		const char *arg = NULL;
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) != 0 || !arg)
			break;
		if (len > STR_MAX - 256)
			break;
		long n = bpf_probe_read_user_str(&buf[(off + 4 + len) & (2 * HALF - 1 - STR_MAX)], 256, arg);
		if (n <= 0)
			break;
		len += n;
	}
	return put_len(buf, off, field, WIRE_STR_ARRAY, len & (STR_MAX - 1));
}

static __always_inline u32 current_argv(u8 *buf, u32 off, u8 field)
{
	struct task_struct *task = bpf_get_current_task_btf();
	u64 start = task->mm->arg_start;
	u64 end = task->mm->arg_end;
	return put_user_block(buf, off, field, start, end);
}

// Resolves a struct path to an absolute path name by walking dentries and mounts, written
// backwards into out; returns the offset of the first byte, or -1.
static __always_inline long resolve_path(u8 *out, const struct path *path)
{
	struct dentry *d = BPF_CORE_READ(path, dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(path, mnt);
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	u32 off = HALF - 1;
	out[off] = 0;
	for (int i = 0; i < PATH_DEPTH; i++) {
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		struct dentry *root = BPF_CORE_READ(vfsmnt, mnt_root);
		if (d == root || d == parent) {
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
			if (up == mnt || d != root)
				break;
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			vfsmnt = &up->mnt;
			continue;
		}
		u32 len = BPF_CORE_READ(d, d_name.len) & 255;
		const u8 *name = BPF_CORE_READ(d, d_name.name);
		if (len + 1 > off)
			break;
		off -= len;
		off &= MASK;
		bpf_probe_read_kernel(&out[off], len, name);
		off -= 1;
		off &= MASK;
		out[off] = '/';
		d = parent;
	}
	if (off == HALF - 1) {
		off -= 1;
		out[off & MASK] = '/';
	}
	return off & MASK;
}

static __always_inline u32 put_path(u8 *buf, u32 off, u8 field, const struct path *path)
{
	u32 zero = 0;
	struct scratch *p = bpf_map_lookup_elem(&pathbuf, &zero);
	if (!p)
		return off;
	long start = resolve_path(p->data, path);
	if (start < 0)
		return off;
	u32 len = (HALF - 1 - start) & (STR_MAX - 1);
	off &= MASK;
	bpf_probe_read_kernel(&buf[off + 4], len, &p->data[start & MASK]);
	return put_len(buf, off, field, WIRE_STR, len);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	if (id < 0 || id >= EVENT_ID_LIMIT || !is_enabled(id))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	if (task->thread_info.status & TS_COMPAT)
		return 0;
	struct saved_args *a = bpf_task_storage_get(&args, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!a)
		return 0;
	a->id = id + 1;
	a->a[0] = regs->di;
	a->a[1] = regs->si;
	a->a[2] = regs->dx;
	a->a[3] = regs->r10;
	a->a[4] = regs->r8;
	a->a[5] = regs->r9;
	u32 tid = (u32)bpf_get_current_pid_tgid();
	if (id == SYS_EXECVE || id == SYS_EXECVEAT) {
		// A successful exec replaces the memory the pathname lives in: keep a copy for sys_exit.
		u32 zero = 0;
		struct scratch *s = bpf_map_lookup_elem(&pathbuf, &zero);
		if (!s)
			return 0;
		const void *name = (const void *)(id == SYS_EXECVE ? a->a[0] : a->a[1]);
		if (bpf_probe_read_user_str(s->data, STR_MAX, name) > 0)
			bpf_map_update_elem(&exec_paths, &tid, s->data, BPF_ANY);
	}
	return 0;
}

static __always_inline u32 exec_args(u8 *buf, u32 off, u32 tid, struct saved_args *a, long id, s64 ret)
{
	bool at = id == SYS_EXECVEAT;
	if (at)
		off = put_u32(buf, off, 0, WIRE_I32, a->a[0]);
	struct exec_path *p = bpf_map_lookup_elem(&exec_paths, &tid);
	if (p) {
		off &= MASK;
		long n = bpf_probe_read_kernel_str(&buf[off + 4], STR_MAX, p->path);
		if (n > 0)
			off = put_len(buf, off, at ? 1 : 0, WIRE_STR, (n - 1) & (STR_MAX - 1));
		bpf_map_delete_elem(&exec_paths, &tid);
	}
	if (ret == 0)
		off = current_argv(buf, off, at ? 2 : 1);
	else
		off = put_user_argv(buf, off, at ? 2 : 1, (const char *const *)(at ? a->a[2] : a->a[1]));
	if (at)
		off = put_u32(buf, off, 4, WIRE_I32, a->a[4]);
	return off;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	long id = regs->orig_ax;
	if (id < 0 || id >= EVENT_ID_LIMIT || !is_enabled(id))
		return 0;
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct saved_args *sa = bpf_task_storage_get(&args, bpf_get_current_task_btf(), 0, 0);
	if (!sa || sa->id != (u64)id + 1)
		return 0;
	struct saved_args a = *sa;
	sa->id = 0;
	struct record_header *h = begin(id, id, ret);
	if (!h)
		return 0;
	u8 *buf = (u8 *)h;
	u32 off = sizeof(*h);
	switch (id) {
	case SYS_OPENAT:
		off = put_u32(buf, off, 0, WIRE_I32, a.a[0]);
		off = put_user_str(buf, off, 1, (void *)a.a[1]);
		off = put_u32(buf, off, 2, WIRE_I32, a.a[2]);
		off = put_u32(buf, off, 3, WIRE_U32, a.a[3]);
		break;
	case SYS_UNLINKAT:
		off = put_u32(buf, off, 0, WIRE_I32, a.a[0]);
		off = put_user_str(buf, off, 1, (void *)a.a[1]);
		off = put_u32(buf, off, 2, WIRE_I32, a.a[2]);
		break;
	case SYS_FCHMODAT:
		off = put_u32(buf, off, 0, WIRE_I32, a.a[0]);
		off = put_user_str(buf, off, 1, (void *)a.a[1]);
		off = put_u32(buf, off, 2, WIRE_U32, a.a[2]);
		break;
	case SYS_CONNECT:
	case SYS_BIND:
		off = put_u32(buf, off, 0, WIRE_I32, a.a[0]);
		off = put_sockaddr(buf, off, 1, (void *)a.a[1], (s64)(int)a.a[2]);
		off = put_u32(buf, off, 2, WIRE_I32, a.a[2]);
		break;
	case SYS_ACCEPT4: {
		int len = 0;
		off = put_u32(buf, off, 0, WIRE_I32, a.a[0]);
		if (a.a[2] && bpf_probe_read_user(&len, sizeof(len), (void *)a.a[2]) == 0) {
			if (ret >= 0)
				off = put_sockaddr(buf, off, 1, (void *)a.a[1], len);
			off = put_u32(buf, off, 2, WIRE_I32, len);
		}
		off = put_u32(buf, off, 3, WIRE_I32, a.a[3]);
		break;
	}
	case SYS_PTRACE:
		off = put_u64(buf, off, 0, WIRE_I64, a.a[0]);
		off = put_u32(buf, off, 1, WIRE_I32, a.a[1]);
		off = put_u64(buf, off, 2, WIRE_U64, a.a[2]);
		off = put_u64(buf, off, 3, WIRE_U64, a.a[3]);
		break;
	case SYS_SETUID:
	case SYS_SETGID:
		off = put_u32(buf, off, 0, WIRE_U32, a.a[0]);
		break;
	case SYS_MEMFD_CREATE:
		off = put_user_str(buf, off, 0, (void *)a.a[0]);
		off = put_u32(buf, off, 1, WIRE_U32, a.a[1]);
		break;
	case SYS_INIT_MODULE:
		off = put_u64(buf, off, 0, WIRE_U64, a.a[0]);
		off = put_u64(buf, off, 1, WIRE_U64, a.a[1]);
		off = put_user_str(buf, off, 2, (void *)a.a[2]);
		break;
	case SYS_FINIT_MODULE:
		off = put_u32(buf, off, 0, WIRE_I32, a.a[0]);
		off = put_user_str(buf, off, 1, (void *)a.a[1]);
		off = put_u32(buf, off, 2, WIRE_I32, a.a[2]);
		break;
	case SYS_EXECVE:
	case SYS_EXECVEAT:
		off = exec_args(buf, off, tid, &a, id, ret);
		break;
	default:
		break;
	}
	submit(h, off);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!is_enabled(EVENT_SCHED_PROCESS_FORK))
		return 0;
	struct record_header *h = begin(EVENT_SCHED_PROCESS_FORK, NO_SYSCALL, 0);
	if (!h)
		return 0;
	u8 *buf = (u8 *)h;
	u32 off = sizeof(*h);
	off = put_u32(buf, off, 0, WIRE_I32, BPF_CORE_READ(parent, pid));
	off = put_u32(buf, off, 1, WIRE_I32, task_ns_tid(parent));
	off = put_u32(buf, off, 2, WIRE_I32, BPF_CORE_READ(parent, tgid));
	off = put_u32(buf, off, 3, WIRE_I32, task_ns_tgid(parent));
	off = put_u32(buf, off, 4, WIRE_I32, BPF_CORE_READ(child, pid));
	off = put_u32(buf, off, 5, WIRE_I32, task_ns_tid(child));
	off = put_u32(buf, off, 6, WIRE_I32, BPF_CORE_READ(child, tgid));
	off = put_u32(buf, off, 7, WIRE_I32, task_ns_tgid(child));
	off = put_u64(buf, off, 8, WIRE_BOOTTIME, BPF_CORE_READ(child, start_time));
	submit(h, off);
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

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!is_enabled(EVENT_SCHED_PROCESS_EXEC))
		return 0;
	struct record_header *h = begin(EVENT_SCHED_PROCESS_EXEC, NO_SYSCALL, 0);
	if (!h)
		return 0;
	u8 *buf = (u8 *)h;
	u32 off = sizeof(*h);
	struct file *file = BPF_CORE_READ(bprm, file);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	off = put_kernel_str(buf, off, 0, BPF_CORE_READ(bprm, filename));
	off = put_path(buf, off, 1, &file->f_path);
	off = put_u32(buf, off, 2, WIRE_U32, BPF_CORE_READ(inode, i_sb, s_dev));
	off = put_u64(buf, off, 3, WIRE_U64, BPF_CORE_READ(inode, i_ino));
	off = put_u64(buf, off, 4, WIRE_U64, inode_ctime(inode));
	off = put_u32(buf, off, 5, WIRE_U32, BPF_CORE_READ(inode, i_mode));
	off = current_argv(buf, off, 7);
	off = put_kernel_str(buf, off, 8, BPF_CORE_READ(bprm, interp));
	submit(h, off);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	if (!is_enabled(EVENT_SCHED_PROCESS_EXIT))
		return 0;
	struct record_header *h = begin(EVENT_SCHED_PROCESS_EXIT, NO_SYSCALL, 0);
	if (!h)
		return 0;
	u8 *buf = (u8 *)h;
	u32 off = sizeof(*h);
	int code = BPF_CORE_READ(p, exit_code);
	// The shell's convention: the exit status, or 128 + the signal that ended the process.
	s64 status = (code & 0x7f) ? 128 + (code & 0x7f) : (code >> 8) & 0xff;
	off = put_u64(buf, off, 0, WIRE_I64, status);
	buf[off & MASK] = 1;
	buf[(off + 1) & MASK] = WIRE_BOOL;
	buf[(off + 2) & MASK] = BPF_CORE_READ(p, signal, live.counter) == 0;
	off += 3;
	submit(h, off);
	return 0;
}

// tp_btf rather than tracepoint/: it needs no tracefs mounted.
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(inet_sock_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (newstate != TCP_SYN_SENT || oldstate != TCP_CLOSE || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (!is_enabled(EVENT_NET_TCP_CONNECT))
		return 0;
	struct record_header *h = begin(EVENT_NET_TCP_CONNECT, NO_SYSCALL, 0);
	if (!h)
		return 0;
	u8 *buf = (u8 *)h;
	u32 off = sizeof(*h) & MASK;
	u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	buf[off] = 0;
	buf[off + 1] = WIRE_IP;
	__builtin_memcpy(&buf[off + 2], &family, 2);
	struct in6_addr daddr = {};
	if (family == AF_INET6)
		BPF_CORE_READ_INTO(&daddr, sk, __sk_common.skc_v6_daddr);
	else
		BPF_CORE_READ_INTO(&daddr.in6_u.u6_addr32[0], sk, __sk_common.skc_daddr);
	__builtin_memcpy(&buf[off + 4], &daddr, 16);
	off += 20;
	off = put_u32(buf, off, 1, WIRE_I32, bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport)));
	submit(h, off);
	return 0;
}
