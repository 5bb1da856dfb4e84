// SPDX-License-Identifier: GPL-2.0
// The task side of every record: the header (who, where, when) and the executable's path, which
// is resolved once per process and cached on its group leader.
#ifndef SLUICE_TASK_H
#define SLUICE_TASK_H

#define PF_KTHREAD 0x00200000
// begin()'s syscall argument for records made outside the syscall path: find the task's syscall.
#define SYSCALL_LOOKUP (NO_SYSCALL - 1)

static __always_inline u32 unique_id(u32 host_id, u64 start_time)
{
	return (u32)(((start_time ^ ((u64)host_id << 32)) * 0x9E3779B97F4A7C15ULL) >> 32);
}

// The deepest pid namespace level the kernel allows (include/linux/pid_namespace.h).
#define MAX_PID_NS_LEVEL 32

// Direct loads through BTF pointers: far cheaper than a probe-read helper call per field.
static __always_inline u32 ns_nr(struct pid *p)
{
	unsigned int level = p->level;
	if (level == 0)
		return p->numbers[0].nr;
	struct upid upid = {};
	if (level > MAX_PID_NS_LEVEL)
		return 0;
	bpf_core_read(&upid, sizeof(upid),
		      (void *)((u64)p + bpf_core_field_offset(struct pid, numbers)) + level * sizeof(struct upid));
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

static __always_inline void count_lost(void)
{
	u32 zero = 0;
	u64 *n = bpf_map_lookup_elem(&lost, &zero);
	if (n)
		*n += 1;
}

// The next id for a resolved executable path: unique across CPUs and never 0.
static __always_inline u64 next_exe_id(void)
{
	u32 zero = 0;
	u64 *n = bpf_map_lookup_elem(&exe_ids, &zero);
	if (!n)
		return 0;
	*n += 1;
	return (*n << 12) | (bpf_get_smp_processor_id() & 0xfff);
}

// Direct loads through BTF pointers: this runs for every record.
static __always_inline void exe_key_of(struct exe_key *k, struct task_struct *leader, struct file *file)
{
	struct dentry *d = file->f_path.dentry;
	struct dentry *parent = d->d_parent;
	k->file = (u64)file;
	k->dentry = (u64)d;
	k->exec_id = leader->self_exec_id;
	k->parent = (u64)parent;
	k->name = (u64)d->d_name.name;
	// hash and len apiece: Linux 6.1's verifier takes the union's first member and refuses an
	// 8-byte load of hash_len.
	k->hash_len = (u64)d->d_name.len << 32 | d->d_name.hash;
	k->unlinked = is_unlinked(d->d_hash.pprev, parent, d);
}

static __always_inline bool same_exe(const struct exe_key *a, const struct exe_key *b)
{
	return a->file == b->file && a->dentry == b->dentry && a->exec_id == b->exec_id && a->parent == b->parent &&
	       a->name == b->name && a->hash_len == b->hash_len && a->unlinked == b->unlinked;
}

// The cached path, with its id in the header. Another thread of the process may write the entry
// meanwhile: its id is 0 while the text changes, so the id is read again after the copy.
static __always_inline void put_cached_exe(struct record_writer *w, struct record_header *h, struct exe_cache *c)
{
	u64 id = READ_ONCE(c->id);
	if (!id)
		return;
	u64 len = c->len;
	if (len > PATH_BYTES)
		return;
	u64 off = w->s->off;
	put_kernel_bytes(w, EXE_FIELD, WIRE_STR, c->path, len, c->cut, true);
	if (READ_ONCE(c->id) != id) { // changed while copied: drop it
		w->s->off = off;
		return;
	}
	h->exe_id = id;
}

// The executable's path of `task`'s process, right after the header; its id goes in the header.
// Resolved again when what it was resolved from changed (an exec, prctl(PR_SET_MM_EXE_FILE), an
// unlink or a rename of the file); none for a process without one (kernel threads).
static __always_inline void put_exe(struct record_writer *w, struct record_header *h, struct task_struct *task)
{
	struct task_struct *leader = task->group_leader;
	struct mm_struct *mm = task->mm;
	struct exe_cache *c;
	if (!mm) { // exiting: the last path resolved is still the process's
		c = bpf_task_storage_get(&exe_paths, leader, 0, 0);
		if (c)
			put_cached_exe(w, h, c);
		return;
	}
	struct file *file = mm->exe_file;
	if (!file)
		return;
	c = bpf_task_storage_get(&exe_paths, leader, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return;
	struct exe_key key;
	exe_key_of(&key, leader, file);
	if (c->id && same_exe(&c->key, &key)) {
		put_cached_exe(w, h, c);
		return;
	}
	struct resolved r;
	resolve_path((u64)BPF_CORE_READ(file, f_path.dentry), (u64)BPF_CORE_READ(file, f_path.mnt), &r);
	u64 pos = r.pos;
	u64 len = r.len;
	if (pos > PATH_LAST || len > PATH_BYTES)
		return;
	len = tested(len, 2 * PATH_BYTES);
	u64 id = next_exe_id();
	// Two threads of the process can resolve at once: one writes the entry, and the record takes
	// the text from this CPU's scratch either way, so no record carries a mix of the two.
	if (!__sync_lock_test_and_set(&c->writing, 1)) {
		WRITE_ONCE(c->id, 0);
		if (bpf_probe_read_kernel(c->path, len, &w->s->path[pos]) == 0) {
			c->len = len;
			c->cut = r.cut;
			c->key = key;
			WRITE_ONCE(c->id, id);
		}
		WRITE_ONCE(c->writing, 0);
	}
	put_kernel_bytes(w, EXE_FIELD, WIRE_STR, &w->s->path[pos], len, r.cut, true);
	h->exe_id = id;
}

// Whether the current task is sluice's (which is never traced), or the settings are missing.
static __always_inline bool is_self(u64 pid_tgid)
{
	u32 zero = 0;
	struct settings *cfg = bpf_map_lookup_elem(&settings, &zero);
	return !cfg || cfg->self_tgid == (u32)(pid_tgid >> 32);
}

// Starts a record for the current task in this CPU's scratch slot; false when the event is not to
// be recorded (sluice itself) or cannot be (no slot, or the slot is in use by a record this
// program interrupted: then it is counted lost). Every true return must be ended by finish().
static __always_inline bool begin(struct record_writer *w, u32 event_id, u32 syscall, s64 retval)
{
	u64 pid_tgid = bpf_get_current_pid_tgid();
	if (is_self(pid_tgid))
		return false;
	struct task_struct *task = bpf_get_current_task_btf();
	// Before anything else is read: a record the filter rejects costs only the fields it reads;
	// and before put_exe, as a task's executable path goes with the first record submitted.
	if (!scope_wants(task, event_id, pid_tgid >> 32))
		return false;
	u32 cpu = bpf_get_smp_processor_id();
	struct scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	if (!s)
		return false;
	// One atomic exchange: a load and a store apart would let a program that preempts this one
	// between them claim the same slot.
	if (__sync_lock_test_and_set(&s->busy, 1)) {
		count_lost();
		return false;
	}
	w->s = s;
	struct record_header *h = (struct record_header *)s->data;
	struct task_struct *leader = task->group_leader;
	struct task_struct *parent = task->real_parent;
	u64 start = task->start_time;

	s->now = bpf_ktime_get_ns();
	split_ns(s->now, &h->ts_sec, &h->ts_nsec);
	h->event_id = event_id;
	h->reserved = 0;
	h->retval = retval;
	split_ns(start, &h->start_sec, &h->start_nsec);
	h->cgroup_id = task_cgroup_id(task);
	h->exe_id = 0;
	h->host_tid = (u32)pid_tgid;
	h->host_pid = pid_tgid >> 32;
	h->tid = task_ns_tid(task);
	h->pid = task_ns_tgid(task);
	h->host_ppid = parent->tgid;
	h->ppid = task_ns_tgid(parent);
	h->uid = task_uid(task);
	h->mnt_ns = task_mnt_ns(task);
	h->pid_ns = task_pid_ns(task);
	h->thread_unique_id = unique_id(h->host_tid, start);
	h->process_unique_id = unique_id(h->host_pid, leader->start_time);
	h->parent_unique_id = unique_id(h->host_ppid, parent->group_leader->start_time);
	if (syscall == SYSCALL_LOOKUP) {
		// The syscall the task is in, if any: Tracee names it in every event's context.
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
		long nr = regs->orig_ax;
		u32 abi = 0;
		if (task_compat(task))
			nr = native_syscall(nr, &abi);
		syscall = nr >= 0 ? nr : NO_SYSCALL;
	}
	h->syscall = syscall;
	h->task_flags = task_compat(task) ? TASK_COMPAT : 0;
	task_comm(task, h->comm);
	w->s->off = sizeof(*h);
	put_exe(w, h, task);
	return true;
}

// How often a CPU looks at the reader's backlog, and so at most how often it forces a wake-up. A
// wake-up is an irq_work self-IPI (a VM exit on a virtual machine): forced for every record while the
// reader was behind by wakeup_bytes, they took 5% of a traced openat storm. A reader that sleeps
// while data waits is woken at once anyway (the ring buffer's poll is level-triggered), so one per
// interval is enough; and the backlog is read that seldom too (bpf_ringbuf_query), with the time
// begin() took for the record's header.
#define WAKEUP_GAP_NS 1000000

// Submits the record and frees the slot.
static __always_inline void finish(struct record_writer *w)
{
	u64 flags = BPF_RB_NO_WAKEUP;
	u64 size = w->s->off;
	u64 now = w->s->now;
	if (now - w->s->checked >= WAKEUP_GAP_NS) {
		u32 zero = 0;
		struct settings *cfg = bpf_map_lookup_elem(&settings, &zero);
		w->s->checked = now;
		if (!cfg || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= cfg->wakeup_bytes)
			flags = BPF_RB_FORCE_WAKEUP;
	}
	// Two tests on size itself: merged into one range test (size - header <= ...) on a copy, they
	// leave size unbounded for older verifiers, and Linux 6.1 refused every program.
	if (size < sizeof(struct record_header))
		goto out;
	barrier_var(size);
	if (size <= RECORD_BYTES && bpf_ringbuf_output(&events, w->s->data, size, flags) != 0)
		count_lost();
out:
	w->s->busy = 0;
}

#endif
