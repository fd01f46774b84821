// SPDX-License-Identifier: GPL-2.0
/* Block I/O and syscall latency. Block requests are timed from issue to
 * completion for every device (the disk is shared: its latency is what the
 * target feels) and attributed to the tracked tree when it submitted them;
 * syscalls are timed for tracked threads only. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "errno.bpf.h"
#include "io.h"
#include "hist.bpf.h"
#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* struct request * */
	__type(value, __u32); /* 1: submitted by the tracked tree */
} owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* struct request * */
	__type(value, struct fg_block_start);
} issued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct fg_block_key);
	__type(value, struct fg_hist);
} block SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32); /* tid */
	__type(value, struct fg_syscall_start);
} in_syscall SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FG_IO_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct fg_hist);
} syscalls SEC(".maps");

FG_STATS_MAP(FG_IO_STAT_MAX)

static __always_inline bool current_tracked(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	return tgid && fg_tracked_task(tgid);
}

/* The submitter's context: block_io_start (6.5+) or, on older kernels, insert. */
static __always_inline int note_owner(struct request *rq)
{
	if (!current_tracked())
		return 0;
	__u64 key = (__u64)rq;
	__u32 one = 1;
	bpf_map_update_elem(&owners, &key, &one, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(on_io_start, struct request *rq)
{
	return note_owner(rq);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(on_rq_insert, struct request *rq)
{
	return note_owner(rq);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(on_rq_issue, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);
	struct fg_block_start s = {
		.ts = bpf_ktime_get_ns(),
		.op = BPF_CORE_READ(rq, cmd_flags) & 0xff,
	};
	if (disk)
		s.dev = ((__u32)BPF_CORE_READ(disk, major) << 20) | (__u32)BPF_CORE_READ(disk, first_minor);
	__u32 *owner = bpf_map_lookup_elem(&owners, &key);
	s.tracked = (owner && *owner) || current_tracked();
	if (owner)
		bpf_map_delete_elem(&owners, &key);
	if (bpf_map_update_elem(&issued, &key, &s, BPF_ANY) != 0)
		count_stat(FG_IO_BLOCK_STARTS_FULL);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(on_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 key = (__u64)rq;
	struct fg_block_start *s = bpf_map_lookup_elem(&issued, &key);
	if (!s)
		return 0;
	__u64 delta = bpf_ktime_get_ns() - s->ts;
	__u32 tracked = s->tracked;
	struct fg_block_key bk = { .dev = s->dev, .op = (__u16)s->op, .tracked = tracked ? 1 : 0 };
	bpf_map_delete_elem(&issued, &key);
	struct fg_hist *h = bpf_map_lookup_elem(&block, &bk);
	if (!h) {
		static const struct fg_hist empty;
		bpf_map_update_elem(&block, &bk, &empty, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&block, &bk);
		if (!h) {
			count_stat(FG_IO_BLOCK_KEYS_FULL);
			return 0;
		}
	}
	fg_hist_add(h, delta);
	__sync_fetch_and_add(&h->bytes, nr_bytes);
	if (tracked) {
		__sync_fetch_and_add(&h->attributed_count, 1);
		__sync_fetch_and_add(&h->attributed_bytes, nr_bytes);
	}
	return 0;
}

/* syscall number -> 1 + index of the syscall in user space's list; 0: not timed */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FG_IO_MAX_SYSCALL_NR);
	__type(key, __u32);
	__type(value, __u32);
} syscall_slots SEC(".maps");

/* raw_syscalls, not one tracepoint per syscall: attaching and detaching 34
 * tracepoints costs seconds of RCU grace periods per run */
SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	if (id < 0 || id >= FG_IO_MAX_SYSCALL_NR)
		return 0;
	__u32 nr = (__u32)id;
	__u32 *slot = bpf_map_lookup_elem(&syscall_slots, &nr);
	if (!slot || !*slot || !current_tracked())
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fg_syscall_start s = { .ts = bpf_ktime_get_ns(), .slot = *slot - 1 };
	if (bpf_map_update_elem(&in_syscall, &tid, &s, BPF_ANY) != 0)
		count_stat(FG_IO_SYSCALL_STARTS_FULL);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fg_syscall_start *s = bpf_map_lookup_elem(&in_syscall, &tid);
	if (!s)
		return 0;
	__u64 delta = bpf_ktime_get_ns() - s->ts;
	__u32 slot = (__u32)s->slot;
	bpf_map_delete_elem(&in_syscall, &tid);
	struct fg_hist *h = bpf_map_lookup_elem(&syscalls, &slot);
	if (h)
		fg_hist_add(h, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
