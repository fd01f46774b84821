#include "fg_io.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fg_btf_internal.h"
#include "fg_shared_maps.h"
#include "generated/io.skel.h"

struct fg_io {
	struct fg_io_bpf *skel;
	struct bpf_link *links[2 * FG_IO_MAX_SYSCALLS];
	int nlinks;
};

/* Does the kernel have this raw tracepoint? block_io_start appeared in 6.5. */
static int has_btf_tracepoint(const char *name)
{
	char full[128];
	struct btf *vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return 0;
	snprintf(full, sizeof(full), "btf_trace_%s", name);
	int id = btf__find_by_name_kind(vmlinux, full, BTF_KIND_TYPEDEF);
	btf__free(vmlinux);
	return id > 0;
}

int fg_io__open(const struct fg_tracker *tracker, const char *const *syscalls, size_t count,
		int *attached, struct fg_io **out)
{
	int err;
	char tp[128];
	struct fg_io *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (count > FG_IO_MAX_SYSCALLS)
		count = FG_IO_MAX_SYSCALLS;
	p->skel = fg_io_bpf__open_opts(fg_open_opts());
	if (!p->skel) {
		err = -errno;
		goto cleanup;
	}
	if (!has_btf_tracepoint("block_io_start"))
		bpf_program__set_autoload(p->skel->progs.on_io_start, false);
	/* the syscall programs are attached below, once per syscall */
	bpf_program__set_autoattach(p->skel->progs.on_sys_enter, false);
	bpf_program__set_autoattach(p->skel->progs.on_sys_exit, false);
	err = fg_share_tracker_maps(p->skel->maps.tracked, p->skel->maps.stacks, p->skel->maps.snapshots, tracker);
	if (err)
		goto cleanup;
	err = fg_io_bpf__load(p->skel);
	if (err)
		goto cleanup;
	err = fg_io_bpf__attach(p->skel);
	if (err)
		goto cleanup;
	for (size_t i = 0; i < count; i++) {
		LIBBPF_OPTS(bpf_tracepoint_opts, opts, .bpf_cookie = i);
		snprintf(tp, sizeof(tp), "sys_enter_%s", syscalls[i]);
		struct bpf_link *enter = bpf_program__attach_tracepoint_opts(p->skel->progs.on_sys_enter,
									     "syscalls", tp, &opts);
		if (!enter) {
			attached[i] = -errno;
			continue;
		}
		snprintf(tp, sizeof(tp), "sys_exit_%s", syscalls[i]);
		struct bpf_link *exit = bpf_program__attach_tracepoint_opts(p->skel->progs.on_sys_exit,
									    "syscalls", tp, &opts);
		if (!exit) {
			attached[i] = -errno;
			bpf_link__destroy(enter);
			continue;
		}
		p->links[p->nlinks++] = enter;
		p->links[p->nlinks++] = exit;
		attached[i] = 0;
	}
	*out = p;
	return 0;
cleanup:
	fg_io__destroy(p);
	return err;
}

int fg_io__block_fd(const struct fg_io *p) { return bpf_map__fd(p->skel->maps.block); }
int fg_io__syscalls_fd(const struct fg_io *p) { return bpf_map__fd(p->skel->maps.syscalls); }
int fg_io__stats_fd(const struct fg_io *p) { return bpf_map__fd(p->skel->maps.stats); }

void fg_io__stop(struct fg_io *p)
{
	for (int i = 0; i < p->nlinks; i++)
		bpf_link__destroy(p->links[i]);
	p->nlinks = 0;
	fg_io_bpf__detach(p->skel);
}

void fg_io__destroy(struct fg_io *p)
{
	if (!p)
		return;
	fg_io__stop(p);
	fg_io_bpf__destroy(p->skel);
	free(p);
}
