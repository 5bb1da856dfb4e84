// SPDX-License-Identifier: GPL-2.0
// The in-kernel scope filter: the policies' scopes that the kernel can decide (uid, pid, mount and
// pid namespace, comm, event), written by user space at start (lib/policy/kernel_filter.ts). A
// record no policy wants is never begun, and a syscall no policy wants is not even saved at entry. It may only let through
// more than the policies want: user space still applies every policy in full.
#ifndef SLUICE_FILTER_H
#define SLUICE_FILTER_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scope_filter);
} scope_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EVENT_ID_LIMIT);
	__type(key, u32);
	__type(value, struct event_scope);
} event_scopes SEC(".maps");

#define SCOPE_MAP(name, key_type)                      \
	struct {                                       \
		__uint(type, BPF_MAP_TYPE_HASH);       \
		__uint(max_entries, SCOPE_VALUES_MAX); \
		__type(key, key_type);                 \
		__type(value, struct scope_bits);      \
	} name SEC(".maps")

SCOPE_MAP(scope_uid, u32);
SCOPE_MAP(scope_pid, u32);
SCOPE_MAP(scope_mnt_ns, u32);
SCOPE_MAP(scope_pid_ns, u32);
SCOPE_MAP(scope_comm, char[16]);

// `policies` narrowed to those whose scope on one kind passes the value at `key`; `listed` are
// the policies that pass only the values listed for them.
static __always_inline u64 scope_pass(void *map, const void *key, u64 policies, u64 listed)
{
	struct scope_bits *b = bpf_map_lookup_elem(map, key);
	if (!b)
		return policies & ~listed;
	return policies & (~listed | b->eq) & ~b->ne;
}

// The namespaces a record's header carries: the task's mount namespace and the pid namespace of its
// children (what Tracee reports as pidns).
static __always_inline u32 task_mnt_ns(struct task_struct *task)
{
	return task->nsproxy ? task->nsproxy->mnt_ns->ns.inum : 0;
}

static __always_inline u32 task_pid_ns(struct task_struct *task)
{
	return task->nsproxy ? task->nsproxy->pid_ns_for_children->ns.inum : 0;
}

// The task's real uid, comm and cgroup (v2) id, read as bpf_get_current_uid_gid, _comm and
// _cgroup_id read them, by direct loads through BTF pointers: one helper call fewer for each, on
// every record. `task` is the current task.
static __always_inline u32 task_uid(struct task_struct *task)
{
	return task->cred->uid.val;
}

static __always_inline void task_comm(struct task_struct *task, char comm[16])
{
	// set_task_comm pads the name with zeros, as bpf_get_current_comm does.
	u64 *dst = (u64 *)comm;
	dst[0] = *(u64 *)&task->comm[0];
	dst[1] = *(u64 *)&task->comm[8];
}

static __always_inline u64 task_cgroup_id(struct task_struct *task)
{
	return task->cgroups->dfl_cgrp->kn->id;
}

// Whether some policy wants a record of event `id` about the current task (`task`, host tgid
// `host_pid`). Reads only the fields of the kinds the policies list, before any record is begun:
// a record no policy wants costs this and no more.
static __always_inline bool scope_wants(struct task_struct *task, u32 id, u32 host_pid)
{
	u32 zero = 0;
	struct scope_filter *f = bpf_map_lookup_elem(&scope_filter, &zero);
	if (!f || !f->on)
		return true;
	struct event_scope *e = bpf_map_lookup_elem(&event_scopes, &id);
	if (!e)
		return true;
	if (e->always)
		return true;
	u64 p = e->policies;
	u32 kinds = f->kinds;
	if (p && (kinds & 1)) {
		u32 uid = task_uid(task);
		p = scope_pass(&scope_uid, &uid, p, f->uid);
	}
	if (p && (kinds & 2))
		p = scope_pass(&scope_pid, &host_pid, p, f->pid);
	if (p && (kinds & 4)) {
		u32 ns = task_mnt_ns(task);
		p = scope_pass(&scope_mnt_ns, &ns, p, f->mnt_ns);
	}
	if (p && (kinds & 8)) {
		u32 ns = task_pid_ns(task);
		p = scope_pass(&scope_pid_ns, &ns, p, f->pid_ns);
	}
	if (p && (kinds & 16)) {
		char comm[16] __attribute__((aligned(8)));
		task_comm(task, comm);
		p = scope_pass(&scope_comm, comm, p, f->comm);
	}
	return p != 0;
}

#endif
