// SPDX-License-Identifier: GPL-2.0
// The maps of sluice's eBPF programs. User space writes `enabled`, `syscalls`, `syscall_gate` and
// `settings` before
// attaching, sizes `scratch` to the number of CPUs, and reads `events` and `lost`.
#ifndef SLUICE_MAPS_H
#define SLUICE_MAPS_H

// A record is assembled here, then copied to the ring buffer with its exact size. The slack past
// RECORD_BYTES is what lets the verifier accept a copy of up to COPY_MAX bytes at any offset the
// writer allows (writer.h): no write ever lands there.
struct scratch {
	u32 busy; // set while a program on this CPU assembles a record (an interrupt may nest one)
	u32 pad;
	u64 off; // bytes of the record written so far, header included (writer.h)
	u64 now; // the time of the record being assembled (task.h: begin)
	u64 checked; // when a record on this CPU last looked at the reader's backlog (task.h: finish)
	union {
		u8 data[RECORD_BYTES + COPY_MAX];
		// What data starts with. Named here so the object's BTF describes both structs for the
		// layout test (tests/bpf_layout_test.ts).
		struct {
			struct record_header header;
			struct field_header field;
		} __attribute__((packed)) head;
	};
	u8 path[PATH_BYTES + 256]; // a path is resolved backwards into this, then copied
};

// What an executable's path was resolved from: when any of it changes, the path may have.
struct exe_key {
	u64 file; // mm->exe_file and its dentry
	u64 dentry;
	// The group leader's self_exec_id, which every exec increments: an exec frees a file and a
	// dentry whose addresses a later exec's can take (a memfd, then a file, then another memfd).
	u64 exec_id;
	// The dentry's parent, name and unlinked state: a rename or an unlink changes the path d_path
	// gives. A renamed parent folder does not show here (the README says so).
	u64 parent;
	u64 name;
	u64 hash_len;
	u64 unlinked;
};

// A process's executable path, resolved once in the kernel (task storage on its group leader).
struct exe_cache {
	struct exe_key key;
	u64 id; // unique per resolution: user space decodes each id's text once
	u32 len;
	u32 cut;
	u32 writing; // claimed by the one thread that writes the entry
	u32 pad;
	u8 path[PATH_BYTES];
};

// A syscall's raw arguments, saved at entry for sys_exit.
struct saved_args {
	u64 id; // syscall number + 1 (x86_64's); 0 when nothing is pending
	u64 abi; // ABI_COMPAT, ABI_TIME32 (compat.h)
	u64 a[SYSCALL_ARGS];
};

// exec's pathname, copied at entry: a successful exec replaces the memory it lives in.
struct exec_name {
	u32 len;
	u32 cut;
	u8 name[STR_BYTES];
};

// What the reader has not read yet, from every CPU. An openat record takes about 224 bytes here, so
// this holds about 300,000: a burst the reader falls that far behind on is absorbed, not lost (16 MiB
// lost records on most runs of bench:bpf on a loaded 2-core machine, 64 MiB on none; README). The
// pages are the kernel's, allocated at load and never swapped.
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} lost SEC(".maps");

// Non-syscall events, by record id.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EVENT_ID_LIMIT);
	__type(key, u32);
	__type(value, u32);
} enabled SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SYSCALL_SLOTS);
	__type(key, u32);
	__type(value, struct syscall_desc);
} syscalls SEC(".maps");

// The raw syscall numbers, in either mode, that sys_enter and sys_exit look at further
// (lib/bpf/syscall_gate.ts): every other syscall of every task leaves after one load from here.
#define GATE_SLOTS (SYSCALL_SLOTS > COMPAT_SLOTS ? SYSCALL_SLOTS : COMPAT_SLOTS)
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GATE_SLOTS);
	__type(key, u32);
	__type(value, u32);
} syscall_gate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct settings);
} settings SEC(".maps");

// One slot per CPU, indexed by CPU number: a per-CPU array value cannot be this large.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); // set to the number of possible CPUs before load
	__type(key, u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

// Unique ids for resolved executable paths.
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} exe_ids SEC(".maps");

// Task storage is far cheaper than a hash map, and it follows the task through exec's de_thread,
// where a thread that is not the leader takes over the leader's pid.
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct saved_args);
} args SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct exec_name);
} exec_names SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct exe_cache);
} exe_paths SEC(".maps");

#endif
