// SPDX-License-Identifier: GPL-2.0
// The record writer. Every write is in bounds twice over:
// - at run time a field is written only when it ends at or before DATA_LIMIT (a record never
//   exceeds RECORD_BYTES), and a copy of variable length is limited to the room left;
// - for the verifier, each write starts at an offset bounded by a comparison and copies at most a
//   constant that the scratch buffer's slack past RECORD_BYTES covers.
// No offset is masked to bring it in bounds: a mask can wrap a write back onto the header or an
// earlier field. tested() masks one only where a test has shown the mask changes nothing.
// A field that does not fit, or whose value was cut or could not be read whole, carries WIRE_CUT;
// MARK_RESERVE keeps room for a zero-length mark of every field after DATA_LIMIT.
#ifndef SLUICE_WRITER_H
#define SLUICE_WRITER_H

#define FH sizeof(struct field_header)
#define DATA_LIMIT (RECORD_BYTES - MARK_RESERVE)

// The offset lives in the scratch slot (s->off), not on the stack: loaded from map memory it is an
// unknown scalar after every field, so the verifier's states after a field that fit and after one
// that did not are the same, and a program's fields verify in linear time.
struct record_writer {
	struct scratch *s;
};

// `v`, which a test has shown to be below `bound` (a power of two), so the mask changes nothing.
// Older verifiers (Linux 6.1's) bound only the copy of a value that was tested, and lose the bound
// when the value is spilled to the stack and reloaded; the mask bounds the value itself, and the
// barrier keeps the compiler from dropping a mask it knows to be a no-op.
#define tested(v, bound)                                                                    \
	({                                                                                  \
		_Static_assert(((bound) & ((bound) - 1)) == 0, "tested() needs a power of two"); \
		u64 __v = (v);                                                              \
		barrier_var(__v);                                                           \
		__v & ((bound) - 1);                                                        \
	})

// An empty field that says the value is missing or cut.
static __always_inline void put_mark(struct record_writer *w, u8 field, u8 type)
{
	u64 off = w->s->off;
	if (off > RECORD_BYTES - FH)
		return; // cannot happen: MARK_RESERVE keeps a mark's room for every field
	off = tested(off, RECORD_BYTES);
	struct field_header *f = (void *)&w->s->data[off];
	f->index = field;
	f->type = type | WIRE_CUT;
	f->len = 0;
	w->s->off = off + FH;
}

#define FIXED_MAX 32

// A field of a constant size of at most FIXED_MAX bytes.
static __always_inline void put_fixed(struct record_writer *w, u8 field, u8 type, const void *value, u32 size)
{
	u64 off = w->s->off;
	if (size > FIXED_MAX)
		return;
	if (off > DATA_LIMIT - FH - FIXED_MAX) {
		put_mark(w, field, type);
		return;
	}
	off = tested(off, RECORD_BYTES);
	struct field_header *f = (void *)&w->s->data[off];
	f->index = field;
	f->type = type;
	f->len = size;
	__builtin_memcpy(&w->s->data[off + FH], value, size);
	w->s->off = off + FH + size;
}

static __always_inline void put_s32(struct record_writer *w, u8 field, s32 v)
{
	put_fixed(w, field, WIRE_I32, &v, sizeof(v));
}

static __always_inline void put_u32(struct record_writer *w, u8 field, u32 v)
{
	put_fixed(w, field, WIRE_U32, &v, sizeof(v));
}

static __always_inline void put_s64(struct record_writer *w, u8 field, s64 v)
{
	put_fixed(w, field, WIRE_I64, &v, sizeof(v));
}

static __always_inline void put_u64(struct record_writer *w, u8 field, u64 v)
{
	put_fixed(w, field, WIRE_U64, &v, sizeof(v));
}

static __always_inline void put_bool(struct record_writer *w, u8 field, bool v)
{
	u8 b = v;
	put_fixed(w, field, WIRE_BOOL, &b, sizeof(b));
}

// Room for the payload of a variable-length field at `off`, at most `max` bytes; 0 when none.
static __always_inline u64 room_at(u64 off, u64 max)
{
	if (off > DATA_LIMIT - FH)
		return 0;
	u64 room = DATA_LIMIT - FH - off;
	return room < max ? room : max;
}

// Closes a variable-length field of `len` payload bytes begun at `off`.
static __always_inline void end_var(struct record_writer *w, u64 off, u8 field, u8 type, u64 len)
{
	if (off > DATA_LIMIT - FH || len > DATA_LIMIT - FH - off)
		return; // cannot happen: the caller copied at most the room it was given
	off = tested(off, RECORD_BYTES);
	struct field_header *f = (void *)&w->s->data[off];
	f->index = field;
	f->type = type;
	f->len = len;
	w->s->off = off + FH + len;
}

// Whether the string at `p` ends (has its NUL) at byte `at`: tells a string that filled the room
// exactly from one that was cut.
static __always_inline bool user_str_ends_at(const u8 *p, u64 at)
{
	u8 c = 1;
	return bpf_probe_read_user(&c, 1, p + at) == 0 && c == 0;
}

static __always_inline bool kernel_str_ends_at(const u8 *p, u64 at)
{
	u8 c = 1;
	return bpf_probe_read_kernel(&c, 1, p + at) == 0 && c == 0;
}

// A NUL-terminated string of at most `max` bytes (its NUL included) from user or kernel memory.
// A NULL pointer leaves the field out (zero-filled by the decoder); an unreadable one is marked.
static __always_inline void put_str(struct record_writer *w, u8 field, const void *p, u64 max, bool user)
{
	if (!p)
		return;
	u64 off = w->s->off;
	u64 room = room_at(off, max);
	if (room == 0) {
		put_mark(w, field, WIRE_STR);
		return;
	}
	off = tested(off, RECORD_BYTES);
	u8 *dst = &w->s->data[off + FH];
	long n = user ? bpf_probe_read_user_str(dst, room, p) : bpf_probe_read_kernel_str(dst, room, p);
	if (n <= 0) {
		put_mark(w, field, WIRE_STR);
		return;
	}
	u8 type = WIRE_STR;
	if (n == room && !(user ? user_str_ends_at(p, room - 1) : kernel_str_ends_at(p, room - 1)))
		type |= WIRE_CUT;
	end_var(w, off, field, type, n - 1);
}

static __always_inline void put_user_str(struct record_writer *w, u8 field, const void *p)
{
	put_str(w, field, p, STR_BYTES, true);
}

static __always_inline void put_kernel_str(struct record_writer *w, u8 field, const void *p)
{
	put_str(w, field, p, STR_BYTES, false);
}

// `len` bytes already in kernel memory (a saved string, a resolved path), cut to the room left;
// a path cut keeps its last bytes (`tail`), as a path resolved past PATH_BYTES does.
static __always_inline void put_kernel_bytes(struct record_writer *w, u8 field, u8 type, const u8 *p, u64 len,
					     bool cut, bool tail)
{
	u64 off = w->s->off;
	if (off > DATA_LIMIT - FH) {
		put_mark(w, field, type);
		return;
	}
	off = tested(off, RECORD_BYTES);
	if (len > PATH_BYTES)
		len = PATH_BYTES;
	u64 room = room_at(off, PATH_BYTES);
	if (len > room) {
		// Never more than PATH_BYTES, but Linux 6.1's verifier can reach here with len's bounds
		// crossed (an impossible path it does not prune) and refuses unbounded pointer math.
		u64 skip = len - room;
		barrier_var(skip);
		if (skip > PATH_BYTES)
			skip = PATH_BYTES;
		if (tail)
			p += skip;
		len = room;
		cut = true;
	}
	if (len > 0 && bpf_probe_read_kernel(&w->s->data[off + FH], len, p) != 0) {
		put_mark(w, field, type);
		return;
	}
	end_var(w, off, field, cut ? type | WIRE_CUT : type, len);
}

// A user block of `len` bytes (a socket address, an argument area); `cut` when it was longer.
static __always_inline bool put_user_block(struct record_writer *w, u8 field, u8 type, const void *p, u64 len,
					   u64 max, bool cut)
{
	u64 off = w->s->off;
	if (off > DATA_LIMIT - FH) {
		put_mark(w, field, type);
		return false;
	}
	off = tested(off, RECORD_BYTES);
	u64 room = room_at(off, max);
	if (len > room) {
		len = room;
		cut = true;
	}
	// Never true, but older verifiers (Linux 6.1's) learn no bound from len > room (two unknowns):
	// a test against the constant bounds len for them.
	barrier_var(len);
	if (len > max)
		len = max;
	if (len > 0 && bpf_probe_read_user(&w->s->data[off + FH], len, p) != 0) {
		put_mark(w, field, type);
		return false;
	}
	end_var(w, off, field, cut ? type | WIRE_CUT : type, len);
	return true;
}

#endif
