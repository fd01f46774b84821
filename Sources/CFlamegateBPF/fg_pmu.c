#include "fg_pmu.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "fg_perf_internal.h"

struct fg_pmu {
	int count;
	int *fds;    /* -1 where the event was refused */
	int *errors; /* 0 or -errno of perf_event_open */
};

/* A group leader starts disabled and is enabled by the target's exec; members
 * follow their leader. Kernel and user time both count (flamegate runs as
 * root); hypervisor time is not ours to see. */
static int open_event(pid_t pid, const struct fg_pmu_event *e, int group_fd)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.type = e->type;
	attr.config = e->config;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	attr.inherit = 1;
	attr.exclude_hv = 1;
	if (group_fd < 0) {
		attr.disabled = 1;
		attr.enable_on_exec = 1;
	}
	return fg_perf_event_open(&attr, pid, -1, group_fd);
}

/* The fd leading `group` among the events before `index`, or -1. */
static int leader_of(const struct fg_pmu *p, const struct fg_pmu_event *events, int index)
{
	for (int i = 0; i < index; i++)
		if (events[i].group == events[index].group && p->fds[i] >= 0)
			return p->fds[i];
	return -1;
}

int fg_pmu__open(pid_t pid, const struct fg_pmu_event *events, int count, struct fg_pmu **out)
{
	int err = 0;
	if (count <= 0 || !events || !out)
		return -EINVAL;
	struct fg_pmu *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fds = malloc((size_t)count * sizeof(int));
	p->errors = calloc((size_t)count, sizeof(int));
	if (!p->fds || !p->errors) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < count; i++)
		p->fds[i] = -1;
	p->count = count;
	for (int i = 0; i < count; i++) {
		int leader = leader_of(p, events, i);
		int fd = open_event(pid, &events[i], leader);
		if (fd < 0 && leader >= 0) /* some PMUs cannot pair two events: count it alone */
			fd = open_event(pid, &events[i], -1);
		if (fd < 0)
			p->errors[i] = fd;
		else
			p->fds[i] = fd;
	}
	*out = p;
	return 0;
cleanup:
	fg_pmu__destroy(p);
	return err;
}

int fg_pmu__error(const struct fg_pmu *p, int index)
{
	if (!p || index < 0 || index >= p->count)
		return -EINVAL;
	return p->errors[index];
}

void fg_pmu__stop(struct fg_pmu *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->count; i++)
		if (p->fds[i] >= 0)
			ioctl(p->fds[i], PERF_EVENT_IOC_DISABLE, 0);
}

int fg_pmu__read(const struct fg_pmu *p, int index, struct fg_pmu_reading *out)
{
	if (!p || index < 0 || index >= p->count || !out)
		return -EINVAL;
	if (p->fds[index] < 0)
		return p->errors[index] ? p->errors[index] : -EBADF;
	uint64_t values[3];
	ssize_t n = read(p->fds[index], values, sizeof(values));
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(values))
		return -EIO;
	out->value = values[0];
	out->time_enabled = values[1];
	out->time_running = values[2];
	return 0;
}

void fg_pmu__destroy(struct fg_pmu *p)
{
	if (!p)
		return;
	if (p->fds)
		for (int i = 0; i < p->count; i++)
			if (p->fds[i] >= 0)
				close(p->fds[i]);
	free(p->fds);
	free(p->errors);
	free(p);
}
