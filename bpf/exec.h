// SPDX-License-Identifier: GPL-2.0
// exec's special case. A successful exec replaces the memory its arguments live in: the pathname
// is copied at entry (into task storage, which follows the task when a thread that is not the
// leader execs), and argv is read from the new process's argument area, which holds exactly the
// strings the kernel copied. A failed exec still has its arguments where the caller put them.
// A successful execveat (fexecve too) returns as execve: sys_exit goes by the id saved at entry.
#ifndef SLUICE_EXEC_H
#define SLUICE_EXEC_H

static __always_inline void save_exec_name(struct task_struct *task, const void *name)
{
	struct exec_name *e = bpf_task_storage_get(&exec_names, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!e)
		return;
	e->len = 0;
	e->cut = 0;
	long n = bpf_probe_read_user_str(e->name, STR_BYTES, name);
	if (n <= 0) {
		e->cut = name != NULL; // unreadable: reported empty and cut
		return;
	}
	e->len = n - 1;
	e->cut = n == STR_BYTES && !user_str_ends_at(name, STR_BYTES - 1);
}

static __always_inline void put_exec_name(struct record_writer *w, u8 field, struct task_struct *task)
{
	struct exec_name *e = bpf_task_storage_get(&exec_names, task, 0, 0);
	if (!e)
		return;
	u64 len = e->len;
	if (len > STR_BYTES - 1)
		len = STR_BYTES - 1;
	if (len > 0 || e->cut)
		put_kernel_bytes(w, field, WIRE_STR, e->name, len, e->cut, false);
	bpf_task_storage_delete(&exec_names, task);
}

static __always_inline bool exec_env_wanted(void)
{
	u32 zero = 0;
	struct settings *cfg = bpf_map_lookup_elem(&settings, &zero);
	return cfg && (cfg->options & OPTION_EXEC_ENV);
}

// The fields of execve or execveat: pathname, argv, envp (and dirfd, flags for execveat).
static __always_inline void put_exec_args(struct record_writer *w, u32 id, const u64 *a, s64 ret, u32 abi)
{
	struct task_struct *task = bpf_get_current_task_btf();
	bool at = id == NR_EXECVEAT;
	bool env = exec_env_wanted();
	if (at)
		put_s32(w, F_EXECVEAT_DIRFD, a[0]);
	put_exec_name(w, at ? F_EXECVEAT_PATHNAME : F_EXECVE_PATHNAME, task);
	u8 argv = at ? F_EXECVEAT_ARGV : F_EXECVE_ARGV;
	u8 envp = at ? F_EXECVEAT_ENVP : F_EXECVE_ENVP;
	if (ret == 0) {
		struct mm_struct *mm = task->mm;
		put_area(w, argv, mm->arg_start, mm->arg_end, ARGV_BYTES);
		if (env)
			put_area(w, envp, mm->env_start, mm->env_end, ENV_BYTES);
	} else {
		put_user_array(w, argv, (const char *const *)a[at ? 2 : 1], abi);
		if (env)
			put_user_array(w, envp, (const char *const *)a[at ? 3 : 2], abi);
	}
	if (at)
		put_s32(w, F_EXECVEAT_FLAGS, a[4]);
}

#endif
