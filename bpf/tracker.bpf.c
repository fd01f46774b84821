// SPDX-License-Identifier: GPL-2.0
/* Follows the target's process tree: every process forked from a tracked one is
 * tracked too, exec bumps the process's generation, exits untrack. Lifecycle
 * events go to user space for naming threads and processes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "errno.bpf.h"
#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

FG_STATS_MAP(FG_TRACKER_STAT_MAX)

static __always_inline void emit(__u32 kind, struct task_struct *task, __u32 parent_tgid, __u32 gen,
				 __s32 exit_code, const char *filename, __u64 peak_rss)
{
	struct fg_proc_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_stat(FG_TRACKER_EVENTS_LOST);
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->tgid = BPF_CORE_READ(task, tgid);
	e->tid = BPF_CORE_READ(task, pid);
	e->parent_tgid = parent_tgid;
	e->gen = gen;
	e->exit_code = exit_code;
	e->peak_rss_pages = peak_rss;
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	e->filename[0] = 0;
	if (filename)
		bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), filename);
	bpf_ringbuf_submit(e, 0);
}

/* The kernel's get_mm_hiwater_rss(): max(hiwater_rss, current file + anon +
 * shmem pages), the current part from the approximate per-CPU counter sums.
 * Unlike wait4's ru_maxrss this is the exec'd program's own mm, not the
 * pre-exec copy of flamegate it was forked from. 0 when the mm is gone
 * (kernels whose exit tracepoint fires after exit_mm). */
static __always_inline __u64 peak_rss_pages(struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	if (!mm)
		return 0;
	__u64 hiwater = BPF_CORE_READ(mm, hiwater_rss);
	__s64 rss = 0;
	if (bpf_core_field_exists(mm->rss_stat[0].count)) {
		rss += BPF_CORE_READ(mm, rss_stat[0].count); /* MM_FILEPAGES */
		rss += BPF_CORE_READ(mm, rss_stat[1].count); /* MM_ANONPAGES */
		rss += BPF_CORE_READ(mm, rss_stat[3].count); /* MM_SHMEMPAGES */
	}
	return rss > 0 && (__u64)rss > hiwater ? (__u64)rss : hiwater;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	struct fg_task_info *pinfo = fg_tracked_task(ptgid);
	if (!pinfo)
		return 0;
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	if (ctgid == ptgid) {
		emit(FG_PROC_THREAD, child, ptgid, pinfo->gen, 0, 0, 0);
		return 0;
	}
	struct fg_task_info info = { .gen = 0, .parent_tgid = ptgid };
	if (bpf_map_update_elem(&tracked, &ctgid, &info, BPF_ANY) != 0) {
		count_stat(FG_TRACKER_TRACKED_FULL);
		return 0;
	}
	emit(FG_PROC_FORK, child, ptgid, 0, 0, 0, 0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct fg_task_info *info = fg_tracked_task(tgid);
	if (!info)
		return 0;
	info->gen += 1;
	emit(FG_PROC_EXEC, task, info->parent_tgid, info->gen, 0, BPF_CORE_READ(bprm, filename), 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct fg_task_info *info = fg_tracked_task(tgid);
	if (!info)
		return 0;
	/* do_exit has already decremented signal->live: 0 means the last thread */
	int live = BPF_CORE_READ(task, signal, live.counter);
	__s32 code = BPF_CORE_READ(task, exit_code);
	if (live == 0) {
		__s32 group_code = BPF_CORE_READ(task, signal, group_exit_code);
		emit(FG_PROC_EXIT, task, info->parent_tgid, info->gen, group_code ? group_code : code, 0,
		     peak_rss_pages(task));
		bpf_map_delete_elem(&tracked, &tgid);
		bpf_map_delete_elem(&unwind_spaces, &tgid);
	} else {
		emit(FG_PROC_THREAD_EXIT, task, info->parent_tgid, info->gen, code, 0, 0);
	}
	return 0;
}

/* x86-64 syscall numbers that unmap or replace mappings */
#define FG_NR_MMAP 9
#define FG_NR_MREMAP 25
#define FG_NR_MUNMAP 11
#define FG_NR_SHMDT 67
#define FG_MAP_FIXED 0x10

/* The unwinder's learned mappings must not outlive the mapping: forget what
 * an unmap or a replacing mmap overlaps, before it (nothing learns the old
 * mapping after) and after it (nothing learned it during the call). */
static __always_inline void forget_unmapped(struct pt_regs *regs, long id, long ret, bool exiting)
{
#if defined(__TARGET_ARCH_x86)
	if (id != FG_NR_MUNMAP && id != FG_NR_MREMAP && id != FG_NR_MMAP && id != FG_NR_SHMDT)
		return;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (!fg_tracked_task(tgid))
		return;
	__u64 addr = BPF_CORE_READ(regs, di), len = BPF_CORE_READ(regs, si);
	if (id == FG_NR_MMAP && !(BPF_CORE_READ(regs, r10) & FG_MAP_FIXED))
		return;
	if (id == FG_NR_SHMDT) {
		fg_unwind_forget(tgid, 0, ~0ULL); /* its length is not an argument */
		return;
	}
	fg_unwind_forget(tgid, addr, addr + len);
	if (id == FG_NR_MREMAP && exiting && ret > 0)
		fg_unwind_forget(tgid, (__u64)ret, (__u64)ret + BPF_CORE_READ(regs, dx));
#endif
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	forget_unmapped(regs, id, 0, false);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	/* the syscall number survives in orig_ax */
	forget_unmapped(regs, BPF_CORE_READ(regs, orig_ax), ret, true);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
