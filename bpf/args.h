// SPDX-License-Identifier: GPL-2.0
// Syscall arguments read by descriptor (struct syscall_desc, written by user space from the
// catalog), and string arrays.
#ifndef SLUICE_ARGS_H
#define SLUICE_ARGS_H

struct array_walk {
	struct record_writer w;
	const char *const *array;
	bool compat; // an array of 32-bit pointers
	u64 start; // offset of the field's header
	u64 len; // payload bytes so far
	bool cut;
};

// One element of a user string array; stops at its NULL, at ARGV_COUNT elements, or when full.
static long array_step(u64 i, struct array_walk *c)
{
	const char *arg = NULL;
	u32 arg32 = 0;
	if (c->compat ? bpf_probe_read_user(&arg32, sizeof(arg32), (const u32 *)c->array + i) != 0
		      : bpf_probe_read_user(&arg, sizeof(arg), &c->array[i]) != 0) {
		c->cut = true;
		return 1;
	}
	if (c->compat)
		arg = (const char *)(u64)arg32;
	if (!arg)
		return 1;
	u64 len = c->len;
	u64 off = c->start + FH + len;
	if (i >= ARGV_COUNT || len > ARGV_BYTES || off > DATA_LIMIT) {
		c->cut = true;
		return 1;
	}
	u64 room = DATA_LIMIT - off;
	if (room > ARGV_BYTES - len)
		room = ARGV_BYTES - len;
	if (room == 0) {
		c->cut = true;
		return 1;
	}
	off = tested(off, RECORD_BYTES);
	long n = bpf_probe_read_user_str(&c->w.s->data[off], room, arg);
	if (n <= 0) {
		c->cut = true;
		return 1;
	}
	c->len = len + n;
	if (n == room && !user_str_ends_at((const u8 *)arg, room - 1)) {
		c->cut = true; // the element's start is kept, with a NUL
		return 1;
	}
	return 0;
}

// A NULL-terminated user array of user strings (argv, envp), each element with its NUL.
static __always_inline void put_user_array(struct record_writer *w, u8 field, const char *const *array, u32 abi)
{
	if (!array)
		return;
	struct array_walk c = { .w = *w, .array = array, .compat = abi & ABI_COMPAT, .start = w->s->off };
	if (c.start > DATA_LIMIT - FH) {
		put_mark(w, field, WIRE_STR_ARRAY);
		return;
	}
	bpf_loop(ARGV_COUNT + 1, array_step, &c, 0);
	end_var(w, c.start, field, c.cut ? WIRE_STR_ARRAY | WIRE_CUT : WIRE_STR_ARRAY, c.len);
}

// The strings of the current process's argument or environment area, as exec laid them out.
static __always_inline void put_area(struct record_writer *w, u8 field, u64 start, u64 end, u64 max)
{
	if (!start || end <= start)
		return;
	put_user_block(w, field, WIRE_STR_ARRAY, (const void *)start, end - start, max, false);
}

// A user socket address whose length is in argument `aux` (or where it points).
static __always_inline void put_sockaddr(struct record_writer *w, u8 field, const u64 *a, u8 aux, const void *p)
{
	u32 which = aux & ~AUX_LEN_PTR;
	if (!p || which >= SYSCALL_ARGS)
		return;
	s64 len = (int)a[which];
	if (aux & AUX_LEN_PTR) {
		int n = 0;
		if (!a[which] || bpf_probe_read_user(&n, sizeof(n), (const void *)a[which]) != 0)
			return;
		len = n;
	}
	if (len <= 0)
		return;
	bool cut = len > SOCKADDR_BYTES;
	put_user_block(w, field, WIRE_SOCKADDR, p, cut ? SOCKADDR_BYTES : len, SOCKADDR_BYTES, cut);
}

// A value of constant size read from user memory. One that cannot be read is left out (zero-filled,
// as Tracee does): an argument declared a pointer is not always one (futex's timeout is a number
// for FUTEX_WAKE_OP), and nothing was cut.
static __always_inline void put_user_fixed(struct record_writer *w, u8 field, u8 type, const void *p, u32 size)
{
	u8 v[16] = {};
	if (p && bpf_probe_read_user(v, size, p) == 0)
		put_fixed(w, field, type, v, size);
}

// An i386 `struct old_timespec32`, widened to the 64-bit form the record carries.
static __always_inline void put_timespec32(struct record_writer *w, u8 field, const void *p)
{
	s32 t[2];
	if (!p || bpf_probe_read_user(t, sizeof(t), p) != 0)
		return;
	s64 wide[2] = { t[0], t[1] };
	put_fixed(w, field, WIRE_TIMESPEC, wide, sizeof(wide));
}

// One argument by its kind in the descriptor.
static __always_inline void put_arg(struct record_writer *w, const struct syscall_desc *d, const u64 *a, u32 i, u32 abi)
{
	u64 v = a[i];
	switch (d->kind[i]) {
	case ARG_I32:
		put_s32(w, i, v);
		break;
	case ARG_U32:
		put_u32(w, i, v);
		break;
	case ARG_I64: // i386's long is 32 bits
		put_s64(w, i, (abi & ABI_COMPAT) ? (s64)(s32)v : (s64)v);
		break;
	case ARG_U64:
		put_u64(w, i, v);
		break;
	case ARG_STR:
		put_user_str(w, i, (const void *)v);
		break;
	case ARG_SOCKADDR:
		put_sockaddr(w, i, a, d->aux[i], (const void *)v);
		break;
	case ARG_TIMESPEC:
		if (abi & ABI_TIME32)
			put_timespec32(w, i, (const void *)v);
		else
			put_user_fixed(w, i, WIRE_TIMESPEC, (const void *)v, 16);
		break;
	case ARG_INT_PAIR:
		put_user_fixed(w, i, WIRE_INT_PAIR, (const void *)v, 8);
		break;
	default: // ARG_NONE; string arrays are exec's alone (exec.h)
		break;
	}
}

// Every argument `d` declares. Unrolled: the writer keeps its offset in map memory, so the
// verifier's states do not multiply from one argument to the next.
static __always_inline void put_args(struct record_writer *w, const struct syscall_desc *d, const u64 *a, u32 abi)
{
#pragma unroll
	for (u32 i = 0; i < SYSCALL_ARGS; i++)
		put_arg(w, d, a, i, abi);
}

#endif
