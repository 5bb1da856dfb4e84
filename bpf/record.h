// SPDX-License-Identifier: GPL-2.0
// The record format shared by bpf/sluice.bpf.c and lib/events/decode.ts (little endian, packed).
//
// A record is a record_header followed by arguments, each [u8 field index][u8 wire type][payload]:
//   WIRE_I32, WIRE_U32: 4 bytes           WIRE_I64, WIRE_U64, WIRE_BOOTTIME: 8 bytes
//   WIRE_BOOL: 1 byte                     WIRE_IP: u16 family + 16 address bytes
//   WIRE_STR, WIRE_STR_ARRAY, WIRE_SOCKADDR: u16 length + bytes (strings without their NUL;
//   a string array is NUL-separated strings; a socket address is the raw struct sockaddr)
// The field index is the position of the field in the event's definition in lib/events/catalog.ts.
#ifndef SLUICE_RECORD_H
#define SLUICE_RECORD_H

#define EVENT_ID_LIMIT 4096
#define NO_SYSCALL 0xffffffff

#define SYS_CONNECT 42
#define SYS_BIND 49
#define SYS_EXECVE 59
#define SYS_PTRACE 101
#define SYS_SETUID 105
#define SYS_SETGID 106
#define SYS_INIT_MODULE 175
#define SYS_OPENAT 257
#define SYS_UNLINKAT 263
#define SYS_FCHMODAT 268
#define SYS_ACCEPT4 288
#define SYS_FINIT_MODULE 313
#define SYS_MEMFD_CREATE 319
#define SYS_EXECVEAT 322

#define EVENT_SCHED_PROCESS_FORK 714
#define EVENT_SCHED_PROCESS_EXEC 715
#define EVENT_SCHED_PROCESS_EXIT 716
#define EVENT_NET_TCP_CONNECT 2016

#define AF_INET 2
#define AF_INET6 10

enum wire_type {
	WIRE_I32 = 1,
	WIRE_U32 = 2,
	WIRE_I64 = 3,
	WIRE_U64 = 4,
	WIRE_BOOL = 5,
	WIRE_STR = 6,
	WIRE_STR_ARRAY = 7,
	WIRE_SOCKADDR = 8,
	WIRE_IP = 9,
	WIRE_BOOTTIME = 10,
};

struct record_header {
	u32 ts_sec; // CLOCK_MONOTONIC, split so userspace needs no 64-bit arithmetic
	u32 ts_nsec;
	u32 start_sec; // thread start, CLOCK_MONOTONIC
	u32 start_nsec;
	u64 cgroup_id;
	u32 event_id;
	u32 host_tid;
	u32 host_pid;
	u32 tid;
	u32 pid;
	u32 host_ppid;
	u32 ppid;
	u32 uid;
	u32 mnt_ns;
	u32 pid_ns;
	u32 thread_unique_id;
	u32 process_unique_id;
	u32 parent_unique_id;
	u32 syscall;
	s64 retval;
	char comm[16];
	u32 flags;
	u32 reserved;
};

#endif
