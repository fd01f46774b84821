#include "fg_cpu.h"
#include "fg_cost_internal.h"
#include "fg_reset_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fg_maps.h"
#include "fg_shared_maps.h"
#include "fg_tracker.h"
#include "fg_btf_internal.h"
#include "generated/cpu.skel.h"
#include "fg_perf_internal.h"

#define FG_MAX_CPUS 1024

struct fg_cpu {
	struct fg_cpu_bpf *skel;
	struct bpf_link **links;
	int *fds;
	int nfds;
	uint64_t period_ns; /* the sampling period cpu-clock turns the frequency into */
};

static int open_cpu_clock(int cpu, uint32_t freq)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.freq = 1;
	attr.sample_freq = freq;
	return fg_perf_event_open(&attr, -1, cpu, -1);
}

int fg_cpu__open(const struct fg_cpu_config *cfg, const struct fg_tracker *tracker,
		 struct fg_cpu **out)
{
	int err;
	int cpus[FG_MAX_CPUS];
	struct fg_cpu *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->skel = fg_cpu_bpf__open_opts(fg_open_opts());
	if (!p->skel) {
		err = -errno;
		goto cleanup;
	}
	if (cfg->max_entries)
		bpf_map__set_max_entries(p->skel->maps.counts, cfg->max_entries);
	p->period_ns = 1000000000ULL / (cfg->frequency_hz ? cfg->frequency_hz : 1);
	/* share the tracker's process tree and stack store */
	err = fg_share_tracker_maps(p->skel->obj, tracker);
	if (err)
		goto cleanup;
	err = fg_cpu_bpf__load(p->skel);
	if (err)
		goto cleanup;

	int ncpu = fg_online_cpus(cpus, FG_MAX_CPUS);
	if (ncpu < 0) {
		err = ncpu;
		goto cleanup;
	}
	p->fds = calloc((size_t)ncpu, sizeof(int));
	p->links = calloc((size_t)ncpu, sizeof(*p->links));
	if (!p->fds || !p->links) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < ncpu; i++) {
		int fd = open_cpu_clock(cpus[i], cfg->frequency_hz);
		if (fd == -ENODEV) /* went offline meanwhile */
			continue;
		if (fd < 0) {
			err = fd;
			goto cleanup;
		}
		p->fds[p->nfds] = fd;
		p->links[p->nfds] = bpf_program__attach_perf_event(p->skel->progs.on_cpu_sample, fd);
		p->nfds++;
		if (!p->links[p->nfds - 1]) {
			err = -errno;
			goto cleanup;
		}
	}
	*out = p;
	return 0;
cleanup:
	fg_cpu__destroy(p);
	return err;
}

int fg_cpu__counts_fd(const struct fg_cpu *p)
{
	return bpf_map__fd(p->skel->maps.counts);
}

int fg_cpu__stats_fd(const struct fg_cpu *p)
{
	return bpf_map__fd(p->skel->maps.stats);
}

uint32_t fg_cpu__max_entries(const struct fg_cpu *p)
{
	return bpf_map__max_entries(p->skel->maps.counts);
}

static void stop(struct fg_cpu *p)
{
	for (int i = 0; i < p->nfds; i++) {
		bpf_link__destroy(p->links[i]);
		p->links[i] = NULL;
		close(p->fds[i]);
	}
	p->nfds = 0;
}

void fg_cpu__destroy(struct fg_cpu *p)
{
	if (!p)
		return;
	if (p->fds)
		stop(p);
	fg_cpu_bpf__destroy(p->skel);
	free(p->links);
	free(p->fds);
	free(p);
}

int fg_cpu__cost(const struct fg_cpu *p, struct fg_prog_cost *out)
{
	return fg_object_cost(p->skel->obj, out);
}

int fg_cpu__reset(struct fg_cpu *p)
{
	return fg_object_reset(p->skel->obj, NULL, 0);
}

/* cpu-clock is an hrtimer whose phase was set when the event was opened;
 * disabling and enabling keeps it (the time left is saved), setting the
 * period again restarts it. Restarting it right before the target is
 * released puts every run's samples at the same phase relative to the
 * target's start, as when the events were opened per run. Left to chance,
 * the phase moved a target that sleeps 2 ms in a loop (api-pool; 1/499 Hz is
 * 2.004 ms) in and out of step with the sampler from one run to the next, and
 * per-function shares with it. */
int fg_cpu__restart(struct fg_cpu *p)
{
	uint64_t period = p->period_ns;
	for (int i = 0; i < p->nfds; i++) {
		if (ioctl(p->fds[i], PERF_EVENT_IOC_PERIOD, &period) != 0)
			return -errno;
	}
	return 0;
}
