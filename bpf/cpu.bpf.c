// SPDX-License-Identifier: GPL-2.0
/* On-CPU stack sampling: runs on a software cpu-clock perf event on every CPU,
 * keeps samples of tracked processes only, counts them per stack in the kernel. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "errno.bpf.h"
#include "cpu.h"
#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 40960);
	__type(key, struct fg_cpu_key);
	__type(value, __u64);
} counts SEC(".maps");

FG_STATS_MAP(FG_CPU_STAT_MAX)

FG_SCRATCH_MAP

static __always_inline void account_stack(int result, __u32 error_slot)
{
	if (result == FG_STACK_ERROR)
		count_stat(error_slot);
	else if (result == FG_STACK_FULL)
		count_stat(FG_CPU_STACKS_FULL);
}

SEC("perf_event")
int on_cpu_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	if (tid == 0) {
		count_stat(FG_CPU_IDLE);
		return 0;
	}
	struct fg_task_info *info = fg_tracked_task(tgid);
	if (!info) {
		count_stat(FG_CPU_UNTRACKED);
		return 0;
	}
	__u32 zero = 0;
	struct fg_scratch *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return 0;
	count_stat(FG_CPU_SAMPLES);

	struct fg_cpu_key key = { .tgid = tgid, .tid = tid, .gen = info->gen };
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	int r = fg_store_stack(ctx, buf, BPF_F_USER_STACK, &key.user_stack);
	if (r == FG_STACK_EMPTY)
		count_stat(FG_CPU_NO_USER_STACK);
	account_stack(r, FG_CPU_USER_STACK_ERROR);
	account_stack(fg_store_stack(ctx, buf, 0, &key.kernel_stack), FG_CPU_KERNEL_STACK_ERROR);

	__u64 *count = bpf_map_lookup_elem(&counts, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return 0;
	}
	__u64 one = 1;
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST) != 0) {
		count = bpf_map_lookup_elem(&counts, &key);
		if (count)
			__sync_fetch_and_add(count, 1);
		else
			count_stat(FG_CPU_COUNTS_FULL);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
