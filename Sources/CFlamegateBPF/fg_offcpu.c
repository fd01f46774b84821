#include "fg_offcpu.h"
#include "fg_cost_internal.h"
#include "fg_reset_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>

#include "fg_btf_internal.h"
#include "fg_shared_maps.h"
#include "generated/offcpu.skel.h"

struct fg_offcpu {
	struct fg_offcpu_bpf *skel;
};

int fg_offcpu__open(const struct fg_offcpu_config *cfg, const struct fg_tracker *tracker,
		    struct fg_offcpu **out)
{
	int err;
	struct fg_offcpu *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->skel = fg_offcpu_bpf__open_opts(fg_open_opts());
	if (!p->skel) {
		err = -errno;
		goto cleanup;
	}
	p->skel->rodata->min_block_ns = cfg->min_block_ns;
	p->skel->rodata->capture_wakers = cfg->capture_wakers != 0;
	if (cfg->max_entries)
		bpf_map__set_max_entries(p->skel->maps.offcpu, cfg->max_entries);
	if (!cfg->capture_wakers)
		bpf_program__set_autoload(p->skel->progs.on_wakeup, false);
	err = fg_share_tracker_maps(p->skel->obj, tracker);
	if (err)
		goto cleanup;
	err = fg_offcpu_bpf__load(p->skel);
	if (err)
		goto cleanup;
	err = fg_offcpu_bpf__attach(p->skel);
	if (err)
		goto cleanup;
	*out = p;
	return 0;
cleanup:
	fg_offcpu__destroy(p);
	return err;
}

int fg_offcpu__counts_fd(const struct fg_offcpu *p) { return bpf_map__fd(p->skel->maps.offcpu); }
int fg_offcpu__stats_fd(const struct fg_offcpu *p) { return bpf_map__fd(p->skel->maps.stats); }
uint32_t fg_offcpu__max_entries(const struct fg_offcpu *p) { return bpf_map__max_entries(p->skel->maps.offcpu); }

void fg_offcpu__destroy(struct fg_offcpu *p)
{
	if (!p)
		return;
	fg_offcpu_bpf__destroy(p->skel);
	free(p);
}

int fg_offcpu__cost(const struct fg_offcpu *p, struct fg_prog_cost *out)
{
	return fg_object_cost(p->skel->obj, out);
}

int fg_offcpu__reset(struct fg_offcpu *p)
{
	return fg_object_reset(p->skel->obj, NULL, 0);
}
