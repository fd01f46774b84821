// SPDX-License-Identifier: GPL-2.0
/* Off-CPU time of tracked threads (after BCC's offcputime and offwaketime):
 * at switch-out the thread's stacks and state are kept; at switch-in the
 * blocked time is added, in the kernel, to that stack, state and waker. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "errno.bpf.h"
#include "offcpu.h"
#include "common.bpf.h"

const volatile __u64 min_block_ns = 0;
const volatile bool capture_wakers = true;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 40960);
	__type(key, struct fg_offcpu_key);
	__type(value, struct fg_offcpu_value);
} offcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32); /* tid */
	__type(value, struct fg_offcpu_start);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32); /* wakee tid */
	__type(value, struct fg_offcpu_waker);
} wakers SEC(".maps");

FG_STATS_MAP(FG_OFFCPU_STAT_MAX)

FG_SCRATCH_MAP

static __always_inline void account(int result)
{
	if (result == FG_STACK_ERROR)
		count_stat(FG_OFFCPU_STACK_ERRORS);
	else if (result == FG_STACK_FULL)
		count_stat(FG_OFFCPU_STACKS_FULL);
}

static __always_inline __u32 task_state(unsigned int raw)
{
	if (raw == 0)
		return FG_STATE_RUNNABLE;
	if (raw & 0x0001)
		return FG_STATE_SLEEPING;
	if (raw & 0x0002)
		return (raw & 0x0400) ? FG_STATE_IDLE : FG_STATE_UNINTERRUPTIBLE;
	return FG_STATE_OTHER;
}

/* The stacks of the current task into `stacks`. */
static __always_inline void current_stacks(void *ctx, __u64 *user, __u64 *kernel)
{
	__u32 zero = 0;
	struct fg_scratch *buf = bpf_map_lookup_elem(&scratch, &zero);
	*user = 0;
	*kernel = 0;
	if (!buf)
		return;
	account(fg_store_stack(ctx, buf, BPF_F_USER_STACK, user));
	account(fg_store_stack(ctx, buf, 0, kernel));
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();

	/* prev leaves the CPU: it is the current task, so its stacks are readable */
	__u32 prev_tgid = BPF_CORE_READ(prev, tgid);
	if (prev_tgid && fg_tracked_task(prev_tgid)) {
		__u32 tid = BPF_CORE_READ(prev, pid);
		struct fg_offcpu_start s = { .ts = now, .state = task_state(BPF_CORE_READ(prev, __state)) };
		current_stacks(ctx, &s.user_stack, &s.kernel_stack);
		if (bpf_map_update_elem(&start, &tid, &s, BPF_ANY) != 0)
			count_stat(FG_OFFCPU_STARTS_FULL);
	}

	/* next comes back: add the time it was away */
	__u32 next_tgid = BPF_CORE_READ(next, tgid);
	struct fg_task_info *info = next_tgid ? fg_tracked_task(next_tgid) : 0;
	if (!info)
		return 0;
	__u32 tid = BPF_CORE_READ(next, pid);
	struct fg_offcpu_start *s = bpf_map_lookup_elem(&start, &tid);
	if (!s)
		return 0;
	__u64 delta = now - s->ts;
	if (delta < min_block_ns) {
		count_stat(FG_OFFCPU_SHORT);
		bpf_map_delete_elem(&start, &tid);
		bpf_map_delete_elem(&wakers, &tid);
		return 0;
	}
	struct fg_offcpu_key key = {
		.tgid = next_tgid, .tid = tid, .gen = info->gen, .state = s->state,
		.user_stack = s->user_stack, .kernel_stack = s->kernel_stack,
	};
	BPF_CORE_READ_STR_INTO(&key.comm, next, comm);
	struct fg_offcpu_waker *w = bpf_map_lookup_elem(&wakers, &tid);
	if (w && s->state != FG_STATE_RUNNABLE) {
		key.waker_user_stack = w->user_stack;
		key.waker_kernel_stack = w->kernel_stack;
		key.waker_tgid = w->tgid;
		key.waker_gen = w->gen;
	}
	bpf_map_delete_elem(&start, &tid);
	bpf_map_delete_elem(&wakers, &tid);
	count_stat(FG_OFFCPU_BLOCKS);

	struct fg_offcpu_value *v = bpf_map_lookup_elem(&offcpu, &key);
	if (!v) {
		struct fg_offcpu_value zero = {};
		bpf_map_update_elem(&offcpu, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&offcpu, &key);
		if (!v) {
			count_stat(FG_OFFCPU_COUNTS_FULL);
			return 0;
		}
	}
	__sync_fetch_and_add(&v->total_ns, delta);
	__sync_fetch_and_add(&v->count, 1);
	return 0;
}

/* Who woke a tracked thread: the kernel stack always (an interrupt's path to
 * the wakeup is an I/O completion), the user stack when the waker is tracked.
 * A wakeup from an interrupt that hit a tracked task also looks tracked here;
 * user space recognises the interrupt entry in the kernel stack and drops the
 * user part then. */
static __always_inline int record_waker(void *ctx, struct task_struct *p)
{
	if (!capture_wakers)
		return 0;
	__u32 tgid = BPF_CORE_READ(p, tgid);
	if (!tgid || !fg_tracked_task(tgid))
		return 0;
	__u32 tid = BPF_CORE_READ(p, pid);
	struct fg_offcpu_waker w = {};
	__u32 waker_tgid = bpf_get_current_pid_tgid() >> 32;
	struct fg_task_info *winfo = waker_tgid ? fg_tracked_task(waker_tgid) : 0;
	__u32 zero = 0;
	struct fg_scratch *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return 0;
	if (winfo) {
		w.tgid = waker_tgid;
		w.gen = winfo->gen;
		account(fg_store_stack(ctx, buf, BPF_F_USER_STACK, &w.user_stack));
	}
	account(fg_store_stack(ctx, buf, 0, &w.kernel_stack));
	bpf_map_update_elem(&wakers, &tid, &w, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_wakeup, struct task_struct *p)
{
	return record_waker(ctx, p);
}

char LICENSE[] SEC("license") = "GPL";
