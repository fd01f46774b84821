#include "fg_io.h"
#include "fg_cost_internal.h"
#include "fg_reset_internal.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "fg_btf_internal.h"
#include "fg_shared_maps.h"
#include "generated/io.skel.h"

struct fg_io {
	struct fg_io_bpf *skel;
};

/* This architecture's numbers of the syscalls user space may ask for. */
static const struct {
	const char *name;
	int nr;
} syscall_numbers[] = {
	{ "read", __NR_read }, { "write", __NR_write }, { "pread64", __NR_pread64 },
	{ "pwrite64", __NR_pwrite64 }, { "fsync", __NR_fsync }, { "fdatasync", __NR_fdatasync },
	{ "openat", __NR_openat }, { "connect", __NR_connect }, { "accept4", __NR_accept4 },
	{ "recvfrom", __NR_recvfrom }, { "sendto", __NR_sendto }, { "ppoll", __NR_ppoll },
	{ "futex", __NR_futex }, { "nanosleep", __NR_nanosleep }, { "clock_nanosleep", __NR_clock_nanosleep },
#ifdef __NR_poll
	{ "poll", __NR_poll },
#endif
#ifdef __NR_epoll_wait
	{ "epoll_wait", __NR_epoll_wait },
#endif
};

static int syscall_number(const char *name)
{
	for (size_t i = 0; i < sizeof(syscall_numbers) / sizeof(syscall_numbers[0]); i++)
		if (strcmp(syscall_numbers[i].name, name) == 0)
			return syscall_numbers[i].nr;
	return -1;
}

/* Does the kernel have block_io_start (6.5+)? Parsing vmlinux BTF takes
 * ~100 ms, so the answer is kept for the life of the process. */
static int has_block_io_start(void)
{
	static int known = -1;
	if (known < 0) {
		struct btf *vmlinux = btf__load_vmlinux_btf();
		known = vmlinux && btf__find_by_name_kind(vmlinux, "btf_trace_block_io_start", BTF_KIND_TYPEDEF) > 0;
		btf__free(vmlinux);
	}
	return known;
}

int fg_io__open(const struct fg_tracker *tracker, const char *const *syscalls, size_t count,
		int *attached, struct fg_io **out)
{
	int err;
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
	if (!has_block_io_start())
		bpf_program__set_autoload(p->skel->progs.on_io_start, false);
	err = fg_share_tracker_maps(p->skel->obj, tracker);
	if (err)
		goto cleanup;
	err = fg_io_bpf__load(p->skel);
	if (err)
		goto cleanup;
	for (size_t i = 0; i < count; i++) {
		int nr = syscall_number(syscalls[i]);
		if (nr < 0 || nr >= FG_IO_MAX_SYSCALL_NR) {
			attached[i] = -ENOENT; /* no such syscall on this architecture */
			continue;
		}
		uint32_t key = (uint32_t)nr, slot = (uint32_t)i + 1;
		err = bpf_map_update_elem(bpf_map__fd(p->skel->maps.syscall_slots), &key, &slot, BPF_ANY);
		if (err)
			goto cleanup;
		attached[i] = 0;
	}
	err = fg_io_bpf__attach(p->skel);
	if (err)
		goto cleanup;
	*out = p;
	return 0;
cleanup:
	fg_io__destroy(p);
	return err;
}

int fg_io__block_fd(const struct fg_io *p) { return bpf_map__fd(p->skel->maps.block); }
int fg_io__syscalls_fd(const struct fg_io *p) { return bpf_map__fd(p->skel->maps.syscalls); }
int fg_io__stats_fd(const struct fg_io *p) { return bpf_map__fd(p->skel->maps.stats); }

static void stop(struct fg_io *p)
{
	fg_io_bpf__detach(p->skel);
}

void fg_io__destroy(struct fg_io *p)
{
	if (!p)
		return;
	stop(p);
	fg_io_bpf__destroy(p->skel);
	free(p);
}

int fg_io__cost(const struct fg_io *p, struct fg_prog_cost *out)
{
	return fg_object_cost(p->skel->obj, out);
}

int fg_io__reset(struct fg_io *p)
{
	/* which syscalls are timed: set once at open */
	static const char *const keep[] = { "syscall_slots" };
	return fg_object_reset(p->skel->obj, keep, 1);
}
