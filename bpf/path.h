// SPDX-License-Identifier: GPL-2.0
// Paths as the kernel's d_path names them: dentries walked up to the root of the mount namespace,
// " (deleted)" after an unlinked file (a memfd is "/memfd:NAME (deleted)"). At most PATH_BYTES - 1
// bytes and PATH_DEPTH steps (a directory or a mount crossed); a longer walk keeps the last bytes
// and is marked cut.
#ifndef SLUICE_PATH_H
#define SLUICE_PATH_H

#define DELETED " (deleted)"
#define DELETED_LEN (sizeof(DELETED) - 1)
// The walk writes backwards from PATH_LAST (from PATH_END when the " (deleted)" suffix follows).
#define PATH_LAST (PATH_BYTES - 1)
#define PATH_END (PATH_LAST - DELETED_LEN)
#define NAME_MAX_LEN 255

struct path_walk {
	struct dentry *d;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct scratch *s;
	u64 pos; // first byte of the path so far in s->path
	// Until the walk reaches the root: one that runs out of steps first has lost its leading
	// directories (each mount crossed takes a step too, and a process can stack thousands).
	bool cut;
};

static long path_step(u64 i, struct path_walk *c)
{
	struct dentry *d = c->d;
	struct vfsmount *vfsmnt = c->vfsmnt;
	struct mount *mnt = c->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct dentry *root = BPF_CORE_READ(vfsmnt, mnt_root);
	if (d == root || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
		if (d != root || up == mnt) {
			c->cut = false; // the root of the namespace, or of a detached mount (memfd, pipes)
			return 1;
		}
		c->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		c->mnt = up;
		c->vfsmnt = &up->mnt;
		return 0;
	}
	u32 len = BPF_CORE_READ(d, d_name.len);
	const u8 *name = BPF_CORE_READ(d, d_name.name);
	u64 pos = c->pos;
	if (pos > PATH_LAST || len > NAME_MAX_LEN || (u64)len + 1 > pos) {
		c->cut = true;
		return 1;
	}
	pos -= (u64)len + 1;
	barrier_var(pos);
	if (pos > PATH_LAST)
		return 1;
	barrier_var(pos);
	c->s->path[pos] = '/';
	if (bpf_probe_read_kernel(&c->s->path[pos + 1], len, name) != 0) {
		c->cut = true;
		return 1;
	}
	c->pos = pos;
	c->d = parent;
	return 0;
}

#define PIPEFS_MAGIC 0x50495045
#define SOCKFS_MAGIC 0x534F434B
#define ANON_INODE_FS_MAGIC 0x09041934
#define NSFS_MAGIC 0x6e736673
#define PIDFS_MAGIC 0x50494446
#define TMPFS_MAGIC 0x01021994
#define HUGETLBFS_MAGIC 0x958458f6
#define SECRETMEM_MAGIC 0x5345434d

#define PSEUDO_NAME_BYTES (NAME_MAX_LEN + 32)

// The name d_path gives a dentry of a pseudo filesystem (one with no place in any tree, named by
// its d_dname operation): pipes, sockets, anonymous inodes, namespaces, pidfds, and the unlinked
// files of memfd_create and shared memory. Another filesystem's names are not guessed: `cut` is
// set and nothing written.
static __always_inline u64 pseudo_name(struct scratch *s, struct dentry *d, u64 *cut)
{
	static const char pipe[] = "pipe:[%lu]";
	static const char socket[] = "socket:[%lu]";
	static const char anon[] = "anon_inode:%s";
	static const char ns[] = "%s:[%lu]";
	static const char pidfd[] = "anon_inode:[pidfd]";
	static const char unlinked_file[] = "/%s (deleted)"; // simple_dname
	u64 data[2];
	long n;
	struct ns_common *nsc;
	switch (BPF_CORE_READ(d, d_sb, s_magic)) {
	case PIPEFS_MAGIC:
		data[0] = BPF_CORE_READ(d, d_inode, i_ino);
		n = bpf_snprintf((char *)s->path, PSEUDO_NAME_BYTES, pipe, data, sizeof(u64));
		break;
	case SOCKFS_MAGIC:
		data[0] = BPF_CORE_READ(d, d_inode, i_ino);
		n = bpf_snprintf((char *)s->path, PSEUDO_NAME_BYTES, socket, data, sizeof(u64));
		break;
	case ANON_INODE_FS_MAGIC:
		data[0] = (u64)BPF_CORE_READ(d, d_name.name);
		n = bpf_snprintf((char *)s->path, PSEUDO_NAME_BYTES, anon, data, sizeof(u64));
		break;
	case NSFS_MAGIC: // "net:[4026531840]": the namespace's kind and inode
		nsc = BPF_CORE_READ(d, d_inode, i_private);
		data[0] = (u64)BPF_CORE_READ(nsc, ops, name);
		data[1] = BPF_CORE_READ(d, d_inode, i_ino);
		n = bpf_snprintf((char *)s->path, PSEUDO_NAME_BYTES, ns, data, sizeof(data));
		break;
	case PIDFS_MAGIC:
		n = bpf_snprintf((char *)s->path, PSEUDO_NAME_BYTES, pidfd, NULL, 0);
		break;
	case TMPFS_MAGIC:
	case HUGETLBFS_MAGIC:
	case SECRETMEM_MAGIC:
		data[0] = (u64)BPF_CORE_READ(d, d_name.name);
		n = bpf_snprintf((char *)s->path, PSEUDO_NAME_BYTES, unlinked_file, data, sizeof(u64));
		break;
	default:
		*cut = 1;
		return 0;
	}
	// bpf_snprintf answers the length it would have needed: never more than it wrote.
	if (n > PSEUDO_NAME_BYTES)
		n = PSEUDO_NAME_BYTES;
	return n > 1 ? n - 1 : 0;
}

// The kernel's d_unlinked(): d_path then adds " (deleted)".
static __always_inline bool is_unlinked(const void *hash_pprev, const struct dentry *parent, const struct dentry *d)
{
	return !hash_pprev && parent != d;
}

static __always_inline bool unlinked(struct dentry *d)
{
	return is_unlinked(BPF_CORE_READ(d, d_hash.pprev), BPF_CORE_READ(d, d_parent), d);
}

// Where resolve_path left a path in this CPU's scratch slot: s->path[pos, pos + len).
struct resolved {
	u64 pos;
	u64 len; // 0: nothing resolved
	u64 cut;
};

// Resolves the path of `dentry` on `vfsmnt` (kernel addresses, read with BPF_CORE_READ) into this
// CPU's s->path. A global function: the verifier checks it once rather than at every call site.
__noinline int resolve_path(u64 dentry, u64 vfsmnt, struct resolved *r)
{
	if (!r)
		return 0;
	r->pos = 0;
	r->len = 0;
	r->cut = 0;
	u32 cpu = bpf_get_smp_processor_id();
	struct scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	struct path_walk c = {
		.d = (struct dentry *)dentry,
		.vfsmnt = (struct vfsmount *)vfsmnt,
		.s = s,
		.cut = true,
	};
	if (!s || !c.d || !c.vfsmnt)
		return 0;
	c.mnt = container_of(c.vfsmnt, struct mount, mnt);
	struct dentry *leaf = c.d;
	struct vfsmount *top = c.vfsmnt;
	if (BPF_CORE_READ(leaf, d_parent) == leaf && BPF_CORE_READ(top, mnt_root) != leaf &&
	    BPF_CORE_READ(leaf, d_op, d_dname)) {
		r->len = pseudo_name(s, leaf, &r->cut);
		return 0;
	}
	bool deleted = unlinked(leaf);
	u64 end = deleted ? PATH_END : PATH_LAST;
	c.pos = end;
	bpf_loop(PATH_DEPTH, path_step, &c, 0);
	u64 pos = c.pos;
	if (pos > PATH_LAST || pos > end)
		return 0;
	if (pos == end) {
		if (c.cut) {
			r->cut = 1;
			return 0;
		}
		pos = end - 1;
		barrier_var(pos);
		if (pos > PATH_LAST)
			return 0;
		s->path[pos] = '/';
	}
	if (deleted) {
		__builtin_memcpy(&s->path[PATH_END], DELETED, DELETED_LEN);
		end = PATH_LAST;
	}
	r->pos = pos;
	r->len = end - pos;
	r->cut = c.cut;
	return 0;
}

// A field holding the path of `path`.
static __always_inline void put_path(struct record_writer *w, u8 field, const struct path *path)
{
	struct resolved r;
	resolve_path((u64)BPF_CORE_READ(path, dentry), (u64)BPF_CORE_READ(path, mnt), &r);
	u64 pos = r.pos;
	if (r.len == 0) {
		if (r.cut)
			put_mark(w, field, WIRE_STR);
		return;
	}
	if (pos > PATH_LAST)
		return;
	put_kernel_bytes(w, field, WIRE_STR, &w->s->path[pos], r.len, r.cut, true);
}

#endif
