// SPDX-License-Identifier: GPL-2.0
/* Scheduler view of tracked threads (after BCC's runqlat): time from becoming
 * runnable (wakeup, or preemption while still runnable) to running, as a
 * log-linear histogram in nanoseconds; voluntary and involuntary switches;
 * migrations. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "errno.bpf.h"
#include "sched.h"
#include "hist.bpf.h"
#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32); /* tid */
	__type(value, __u64); /* when it became runnable */
} queued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fg_hist);
} runq SEC(".maps");

FG_STATS_MAP(FG_SCHED_STAT_MAX)

static __always_inline bool tracked_task(struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	return tgid && fg_tracked_task(tgid);
}

static __always_inline void enqueue(struct task_struct *p)
{
	__u32 tid = BPF_CORE_READ(p, pid);
	__u64 now = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&queued, &tid, &now, BPF_ANY) != 0)
		count_stat(FG_SCHED_QUEUED_FULL);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_wakeup, struct task_struct *p)
{
	if (tracked_task(p)) {
		count_stat(FG_SCHED_WAKEUPS);
		enqueue(p);
	}
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(on_wakeup_new, struct task_struct *p)
{
	if (tracked_task(p))
		enqueue(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (tracked_task(prev)) {
		if (BPF_CORE_READ(prev, __state) == 0) { /* still runnable: back in the queue */
			count_stat(FG_SCHED_INVOLUNTARY);
			enqueue(prev);
		} else {
			count_stat(FG_SCHED_VOLUNTARY);
		}
	}
	if (!tracked_task(next))
		return 0;
	__u32 tid = BPF_CORE_READ(next, pid);
	__u64 *since = bpf_map_lookup_elem(&queued, &tid);
	if (!since)
		return 0;
	__u64 delta = bpf_ktime_get_ns() - *since;
	bpf_map_delete_elem(&queued, &tid);
	__u32 zero = 0;
	struct fg_hist *h = bpf_map_lookup_elem(&runq, &zero);
	if (h)
		fg_hist_add(h, delta);
	return 0;
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(on_migrate, struct task_struct *p, int dest_cpu)
{
	if (tracked_task(p))
		count_stat(FG_SCHED_MIGRATIONS);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
