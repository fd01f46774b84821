#ifndef FG_CAPS_H
#define FG_CAPS_H
#include <stddef.h>

/* Kernel capabilities checked by really loading and attaching a program. */
enum fg_cap {
	FG_CAP_BPF_SYSCALL = 0, /* bpf(BPF_MAP_CREATE) */
	FG_CAP_RAW_SYSCALLS = 1, /* tp_btf/sys_enter (raw_syscalls through BTF, no tracefs) */
	FG_CAP_TP_BTF = 2,
	FG_CAP_UPROBE = 3,
	FG_CAP_KPROBE = 4,
	FG_CAP_FENTRY = 5,
	FG_CAP_PERF_CPU_CLOCK = 6, /* a BPF program on a software cpu-clock event */
	FG_CAP_HW_PMU = 7,         /* perf_event_open of hardware cycles */
};

/* 0 when usable, else -errno with a short reason in `why`. */
int fg_caps_check(enum fg_cap cap, char *why, size_t why_len);

/* libbpf logging: kept in memory (the last lines) instead of going to stderr,
 * printed as well when `verbose`. */
void fg_libbpf_capture_logs(int verbose);
/* The last libbpf log lines, for error reports. */
const char *fg_libbpf_last_log(void);

#endif
