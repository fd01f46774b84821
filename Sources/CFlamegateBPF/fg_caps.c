#define _GNU_SOURCE
#include "fg_caps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fg_btf_internal.h"
#include "generated/caps.skel.h"
#include "fg_perf_internal.h"

static int verbose_logs;
static char last_log[4096];

static int capture(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char line[1024];
	va_list copy;
	va_copy(copy, args);
	vsnprintf(line, sizeof(line), fmt, copy);
	va_end(copy);
	if (level != LIBBPF_DEBUG) {
		size_t used = strlen(last_log), n = strlen(line);
		if (used + n >= sizeof(last_log)) { /* keep the newest lines */
			used = 0;
			last_log[0] = 0;
		}
		memcpy(last_log + used, line, n + 1);
	}
	if (verbose_logs)
		fputs(line, stderr);
	return 0;
}

void fg_libbpf_capture_logs(int verbose)
{
	verbose_logs = verbose;
	libbpf_set_print(capture);
}

const char *fg_libbpf_last_log(void)
{
	return last_log;
}

/* a function of our own for the uprobe check */
__attribute__((noinline, used)) int fg_caps_uprobe_target(int x)
{
	__asm__ volatile("" : : : "memory");
	return x + 1;
}

static int perf_open(__u32 type, __u64 config)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.type = type;
	attr.config = config;
	attr.sample_period = 1000000;
	attr.disabled = 1;
	return fg_perf_event_open(&attr, 0, -1, -1);
}

static int check_program(enum fg_cap cap, char *why, size_t why_len)
{
	struct bpf_program *want = NULL, *prog;
	struct bpf_link *link = NULL;
	int err, perf_fd = -1;
	struct fg_caps_bpf *skel = fg_caps_bpf__open_opts(fg_open_opts());
	if (!skel) {
		err = -errno;
		snprintf(why, why_len, "cannot open BPF object: %s", strerror(-err));
		return err;
	}
	switch (cap) {
	case FG_CAP_RAW_SYSCALLS: want = skel->progs.cap_raw_syscalls; break;
	case FG_CAP_TP_BTF: want = skel->progs.cap_tp_btf; break;
	case FG_CAP_UPROBE: want = skel->progs.cap_uprobe; break;
	case FG_CAP_KPROBE: want = skel->progs.cap_kprobe; break;
	case FG_CAP_FENTRY: want = skel->progs.cap_fentry; break;
	default: want = skel->progs.cap_perf_event; break;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == want);
	err = fg_caps_bpf__load(skel);
	if (err) {
		snprintf(why, why_len, "program load failed: %s", strerror(-err));
		goto cleanup;
	}
	if (cap == FG_CAP_UPROBE) {
		LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = "fg_caps_uprobe_target");
		char exe[4096];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0) {
			err = -errno;
			snprintf(why, why_len, "readlink /proc/self/exe: %s", strerror(-err));
			goto cleanup;
		}
		exe[n] = 0;
		link = bpf_program__attach_uprobe_opts(want, getpid(), exe, 0, &opts);
	} else if (cap == FG_CAP_PERF_CPU_CLOCK) {
		perf_fd = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
		if (perf_fd < 0) {
			err = perf_fd;
			snprintf(why, why_len, "perf_event_open(cpu-clock): %s", strerror(-err));
			goto cleanup;
		}
		link = bpf_program__attach_perf_event(want, perf_fd);
	} else {
		link = bpf_program__attach(want);
	}
	if (!link) {
		err = -errno;
		if (cap == FG_CAP_KPROBE && (err == -ENOENT || err == -EOPNOTSUPP))
			snprintf(why, why_len, "attach failed: %s (kernel built without CONFIG_KPROBE_EVENTS?)",
				 strerror(-err));
		else
			snprintf(why, why_len, "attach failed: %s", strerror(-err));
		goto cleanup;
	}
	err = 0;
cleanup:
	bpf_link__destroy(link);
	if (perf_fd >= 0)
		close(perf_fd);
	fg_caps_bpf__destroy(skel);
	return err;
}

int fg_caps_check(enum fg_cap cap, char *why, size_t why_len)
{
	why[0] = 0;
	switch (cap) {
	case FG_CAP_BPF_SYSCALL: {
		int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "fg_probe", 4, 4, 1, NULL);
		if (fd < 0) {
			snprintf(why, why_len, "bpf(BPF_MAP_CREATE): %s", strerror(-fd));
			return fd;
		}
		close(fd);
		return 0;
	}
	case FG_CAP_HW_PMU: {
		int fd = perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
		if (fd < 0) {
			snprintf(why, why_len, "perf_event_open(cycles): %s", strerror(-fd));
			return fd;
		}
		close(fd);
		return 0;
	}
	default:
		return check_program(cap, why, why_len);
	}
}
