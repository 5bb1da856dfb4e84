// SPDX-License-Identifier: GPL-2.0
// Tracee's events that tracepoints alone give: cgroups made, removed and joined, kernel modules
// loaded and freed, a task renamed. All run in process context.
#ifndef SLUICE_EVENTS_H
#define SLUICE_EVENTS_H

_Static_assert(F_CGROUP_MKDIR_CGROUP_ID == F_CGROUP_RMDIR_CGROUP_ID &&
		       F_CGROUP_MKDIR_CGROUP_PATH == F_CGROUP_RMDIR_CGROUP_PATH &&
		       F_CGROUP_MKDIR_HIERARCHY_ID == F_CGROUP_RMDIR_HIERARCHY_ID,
	       "cgroup_mkdir and cgroup_rmdir share their fields");
_Static_assert(F_MODULE_LOAD_NAME == F_MODULE_FREE_NAME && F_MODULE_LOAD_VERSION == F_MODULE_FREE_VERSION &&
		       F_MODULE_LOAD_SRC_VERSION == F_MODULE_FREE_SRC_VERSION,
	       "module_load and module_free share their first fields");

static __always_inline void cgroup_event(u32 id, struct cgroup *cgrp, const char *path)
{
	if (!is_enabled(id))
		return;
	struct record_writer w;
	if (!begin(&w, id, SYSCALL_LOOKUP, 0))
		return;
	put_u64(&w, F_CGROUP_MKDIR_CGROUP_ID, BPF_CORE_READ(cgrp, kn, id));
	put_kernel_str(&w, F_CGROUP_MKDIR_CGROUP_PATH, path);
	put_u32(&w, F_CGROUP_MKDIR_HIERARCHY_ID, BPF_CORE_READ(cgrp, root, hierarchy_id));
	finish(&w);
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	cgroup_event(EVENT_CGROUP_MKDIR, cgrp, path);
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	cgroup_event(EVENT_CGROUP_RMDIR, cgrp, path);
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(cgroup_attach_task, struct cgroup *cgrp, const char *path, struct task_struct *task, bool group)
{
	if (!is_enabled(EVENT_CGROUP_ATTACH_TASK))
		return 0;
	struct record_writer w;
	if (!begin(&w, EVENT_CGROUP_ATTACH_TASK, SYSCALL_LOOKUP, 0))
		return 0;
	put_kernel_str(&w, F_CGROUP_ATTACH_TASK_CGROUP_PATH, path);
	put_kernel_str(&w, F_CGROUP_ATTACH_TASK_COMM, task->comm);
	put_s32(&w, F_CGROUP_ATTACH_TASK_PID, task->pid);
	finish(&w);
	return 0;
}

SEC("tp_btf/task_rename")
int BPF_PROG(task_rename, struct task_struct *task, const char *comm)
{
	if (!is_enabled(EVENT_TASK_RENAME))
		return 0;
	struct record_writer w;
	if (!begin(&w, EVENT_TASK_RENAME, SYSCALL_LOOKUP, 0))
		return 0;
	put_kernel_str(&w, F_TASK_RENAME_OLD_NAME, task->comm);
	put_kernel_str(&w, F_TASK_RENAME_NEW_NAME, comm);
	finish(&w);
	return 0;
}

static __always_inline void module_names(struct record_writer *w, struct module *mod)
{
	put_kernel_str(w, F_MODULE_LOAD_NAME, mod->name);
	put_kernel_str(w, F_MODULE_LOAD_VERSION, BPF_CORE_READ(mod, version));
	put_kernel_str(w, F_MODULE_LOAD_SRC_VERSION, BPF_CORE_READ(mod, srcversion));
}

// The file finit_module loads from: its first argument, a descriptor of the current task.
static __always_inline struct file *fd_file(struct task_struct *task, u64 fd)
{
	struct file *f = NULL;
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	if (!fds || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

// Kernels without CONFIG_MODULES have neither tracepoint: user space checks before loading these.
SEC("tp_btf/module_load")
int BPF_PROG(module_load, struct module *mod)
{
	if (!is_enabled(EVENT_MODULE_LOAD))
		return 0;
	struct record_writer w;
	if (!begin(&w, EVENT_MODULE_LOAD, SYSCALL_LOOKUP, 0))
		return 0;
	module_names(&w, mod);
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct file *file = regs->orig_ax == NR_FINIT_MODULE ? fd_file(task, regs->di) : NULL;
	if (file) {
		struct inode *inode = BPF_CORE_READ(file, f_inode);
		put_path(&w, F_MODULE_LOAD_PATHNAME, &file->f_path);
		put_u32(&w, F_MODULE_LOAD_DEV, BPF_CORE_READ(inode, i_sb, s_dev));
		put_u64(&w, F_MODULE_LOAD_INODE, BPF_CORE_READ(inode, i_ino));
		put_u64(&w, F_MODULE_LOAD_CTIME, inode_ctime(inode));
	}
	finish(&w);
	return 0;
}

SEC("tp_btf/module_free")
int BPF_PROG(module_free, struct module *mod)
{
	if (!is_enabled(EVENT_MODULE_FREE))
		return 0;
	struct record_writer w;
	if (!begin(&w, EVENT_MODULE_FREE, SYSCALL_LOOKUP, 0))
		return 0;
	module_names(&w, mod);
	finish(&w);
	return 0;
}

#endif
