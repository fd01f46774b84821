// SPDX-License-Identifier: GPL-2.0
/* Empty programs, one per attach type, that `flamegate doctor` loads and
 * attaches one at a time to learn what this kernel really supports. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* the raw syscall tracepoints through BTF: what io and alloc attach to */
SEC("tp_btf/sys_enter")
int BPF_PROG(cap_raw_syscalls)
{
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(cap_tp_btf)
{
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(cap_uprobe)
{
	return 0;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(cap_kprobe)
{
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(cap_fentry)
{
	return 0;
}

SEC("perf_event")
int cap_perf_event(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
