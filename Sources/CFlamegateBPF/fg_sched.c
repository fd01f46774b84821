#include "fg_sched.h"
#include "fg_cost_internal.h"
#include "fg_reset_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>

#include "fg_btf_internal.h"
#include "fg_shared_maps.h"
#include "generated/sched.skel.h"

struct fg_sched {
	struct fg_sched_bpf *skel;
};

int fg_sched__open(const struct fg_tracker *tracker, struct fg_sched **out)
{
	int err;
	struct fg_sched *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->skel = fg_sched_bpf__open_opts(fg_open_opts());
	if (!p->skel) {
		err = -errno;
		goto cleanup;
	}
	err = fg_share_tracker_maps(p->skel->obj, tracker);
	if (err)
		goto cleanup;
	err = fg_sched_bpf__load(p->skel);
	if (err)
		goto cleanup;
	err = fg_sched_bpf__attach(p->skel);
	if (err)
		goto cleanup;
	*out = p;
	return 0;
cleanup:
	fg_sched__destroy(p);
	return err;
}

int fg_sched__runq_fd(const struct fg_sched *p) { return bpf_map__fd(p->skel->maps.runq); }
int fg_sched__stats_fd(const struct fg_sched *p) { return bpf_map__fd(p->skel->maps.stats); }

void fg_sched__destroy(struct fg_sched *p)
{
	if (!p)
		return;
	fg_sched_bpf__destroy(p->skel);
	free(p);
}

int fg_sched__cost(const struct fg_sched *p, struct fg_prog_cost *out)
{
	return fg_object_cost(p->skel->obj, out);
}

int fg_sched__reset(struct fg_sched *p)
{
	return fg_object_reset(p->skel->obj, NULL, 0);
}
