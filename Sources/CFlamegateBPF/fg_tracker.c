#include "fg_tracker.h"
#include "fg_cost_internal.h"
#include "fg_maps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fg_btf_internal.h"
#include "fg_unwind_internal.h"
#include "generated/tracker.skel.h"

struct fg_tracker {
	struct fg_tracker_bpf *skel;
	struct ring_buffer *ring;
	struct fg_unwind unwind;
	struct fg_proc_event *buf; /* events consumed by the last poll */
	size_t len, cap;
	int oom;
};

/* ring_buffer callback: append one event to the poll buffer */
static int on_event(void *ctx, void *data, size_t size)
{
	struct fg_tracker *t = ctx;
	if (size < sizeof(struct fg_proc_event))
		return 0;
	if (t->len == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct fg_proc_event *buf = realloc(t->buf, cap * sizeof(*buf));
		if (!buf) {
			t->oom = 1;
			return -ENOMEM;
		}
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(&t->buf[t->len++], data, sizeof(struct fg_proc_event));
	return 0;
}

/* ring_buffer callback: the kernel side met code without a table */
static int on_unwind_request(void *ctx, void *data, size_t size)
{
	struct fg_tracker *t = ctx;
	if (size < sizeof(struct fg_unwind_request))
		return 0;
	struct fg_unwind_request req;
	memcpy(&req, data, sizeof(req));
	fg_unwind_request(&t->unwind, &req);
	return 0;
}

int fg_tracker__open(const struct fg_tracker_config *cfg, struct fg_tracker **out)
{
	int err;
	struct fg_tracker *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->skel = fg_tracker_bpf__open_opts(fg_open_opts());
	if (!t->skel) {
		err = -errno;
		goto cleanup;
	}
	if (cfg->max_tracked)
		bpf_map__set_max_entries(t->skel->maps.tracked, cfg->max_tracked);
	if (cfg->max_stacks)
		bpf_map__set_max_entries(t->skel->maps.stacks, cfg->max_stacks);
	if (cfg->max_unwind_rows)
		bpf_map__set_max_entries(t->skel->maps.unwind_rows, cfg->max_unwind_rows);
	err = fg_tracker_bpf__load(t->skel);
	if (err)
		goto cleanup;
	err = fg_unwind_init(&t->unwind, bpf_map__fd(t->skel->maps.unwind_rows),
			     bpf_map__fd(t->skel->maps.unwind_files), bpf_map__max_entries(t->skel->maps.unwind_rows));
	if (err)
		goto cleanup;
	err = fg_tracker_bpf__attach(t->skel);
	if (err)
		goto cleanup;
	t->unwind.disabled = cfg->no_unwind_tables != 0;
	t->ring = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_event, t, NULL);
	if (!t->ring) {
		err = -errno;
		goto cleanup;
	}
	err = ring_buffer__add(t->ring, bpf_map__fd(t->skel->maps.unwind_requests), on_unwind_request, t);
	if (err)
		goto cleanup;
	*out = t;
	return 0;
cleanup:
	fg_tracker__destroy(t);
	return err;
}

int fg_tracker__track(struct fg_tracker *t, uint32_t tgid)
{
	struct fg_task_info info = { .gen = 0, .parent_tgid = 0 };
	return bpf_map_update_elem(bpf_map__fd(t->skel->maps.tracked), &tgid, &info, BPF_ANY);
}

int fg_tracker__tracked_fd(const struct fg_tracker *t)
{
	return bpf_map__fd(t->skel->maps.tracked);
}

int fg_tracker__stacks_fd(const struct fg_tracker *t)
{
	return bpf_map__fd(t->skel->maps.stacks);
}

int fg_tracker__shared_fd(const struct fg_tracker *t, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(t->skel->obj, name);
	return map ? bpf_map__fd(map) : -ENOENT;
}

int fg_tracker__unwind_stats_fd(const struct fg_tracker *t)
{
	return bpf_map__fd(t->skel->maps.unwind_stats);
}

int fg_tracker__unwind_prepare(struct fg_tracker *t, const char *path)
{
	return fg_unwind_prepare(&t->unwind, path);
}

void fg_tracker__unwind_usage(const struct fg_tracker *t, struct fg_unwind_usage *out)
{
	*out = t->unwind.usage;
}

int fg_tracker__stats_fd(const struct fg_tracker *t)
{
	return bpf_map__fd(t->skel->maps.stats);
}

int fg_tracker__poll(struct fg_tracker *t, int wake_fd, int timeout_ms, const struct fg_proc_event **events,
		     size_t *count)
{
	t->len = 0;
	t->oom = 0;
	struct pollfd fds[2] = {
		{ .fd = ring_buffer__epoll_fd(t->ring), .events = POLLIN },
		{ .fd = wake_fd, .events = POLLIN },
	};
	/* a signal interrupting the wait is not an error: report what we have */
	if (poll(fds, wake_fd >= 0 ? 2 : 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	int err = ring_buffer__consume(t->ring);
	if (err < 0 && !t->oom)
		return err;
	*events = t->buf;
	*count = t->len;
	return t->oom ? -ENOMEM : 0;
}

int fg_tracker__stack(const struct fg_tracker *t, uint64_t hash, struct fg_stack *out)
{
	return bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.stacks), &hash, out);
}

void fg_tracker__destroy(struct fg_tracker *t)
{
	if (!t)
		return;
	ring_buffer__free(t->ring);
	fg_unwind_close(&t->unwind);
	fg_tracker_bpf__destroy(t->skel);
	free(t->buf);
	free(t);
}

int fg_tracker__cost(const struct fg_tracker *p, struct fg_prog_cost *out)
{
	return fg_object_cost(p->skel->obj, out);
}

int fg_tracker__reset(struct fg_tracker *t)
{
	int fds[] = { bpf_map__fd(t->skel->maps.tracked), bpf_map__fd(t->skel->maps.stacks),
		      bpf_map__fd(t->skel->maps.unwind_stats), bpf_map__fd(t->skel->maps.unwind_spaces),
		      bpf_map__fd(t->skel->maps.stats), bpf_map__fd(t->skel->maps.py_procs),
		      bpf_map__fd(t->skel->maps.py_threads), bpf_map__fd(t->skel->maps.py_codes),
		      bpf_map__fd(t->skel->maps.py_stats) };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		int err = fg_map_clear(fds[i]);
		if (err)
			return err;
	}
	/* events of processes of the previous run that ended after it, and the
	 * tables it asked for last (kept: the next run maps the same files) */
	int err = ring_buffer__consume(t->ring);
	t->len = 0;
	fg_unwind_forget_pending(&t->unwind);
	return err < 0 ? err : 0;
}

int fg_tracker__python_set(struct fg_tracker *t, uint32_t tgid, const struct fg_py_proc *proc)
{
	int fd = bpf_map__fd(t->skel->maps.py_procs);
	if (!proc)
		return bpf_map_delete_elem(fd, &tgid) == 0 || errno == ENOENT ? 0 : -errno;
	return bpf_map_update_elem(fd, &tgid, proc, BPF_ANY) == 0 ? 0 : -errno;
}

int fg_tracker__python_file(struct fg_tracker *t, const char *path, const struct fg_py_file *file)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	struct fg_unwind_key key;
	fg_unwind_key_of(&st, &key);
	return bpf_map_update_elem(bpf_map__fd(t->skel->maps.py_files), &key, file, BPF_ANY) == 0 ? 0 : -errno;
}

int fg_tracker__python_codes(const struct fg_tracker *t, struct fg_py_code_entry **out, size_t *count)
{
	int fd = bpf_map__fd(t->skel->maps.py_codes);
	size_t cap = 256, n = 0;
	struct fg_py_code_entry *list = malloc(cap * sizeof(*list));
	if (!list)
		return -ENOMEM;
	struct fg_py_code_key key, next;
	const void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (n == cap) {
			struct fg_py_code_entry *grown = realloc(list, 2 * cap * sizeof(*list));
			if (!grown) {
				free(list);
				return -ENOMEM;
			}
			list = grown;
			cap *= 2;
		}
		if (bpf_map_lookup_elem(fd, &next, &list[n].code) == 0) {
			list[n].key = next;
			list[n].code.name[FG_PY_NAME_LEN - 1] = 0;
			list[n].code.file[FG_PY_FILE_LEN - 1] = 0;
			n++;
		}
		key = next;
		prev = &key;
	}
	*out = list;
	*count = n;
	return 0;
}

int fg_tracker__python_stats(const struct fg_tracker *t, uint64_t out[FG_PY_STAT_MAX])
{
	int fd = bpf_map__fd(t->skel->maps.py_stats);
	for (uint32_t i = 0; i < FG_PY_STAT_MAX; i++) {
		int err = fg_map_percpu_sum(fd, i, &out[i]);
		if (err)
			return err;
	}
	return 0;
}
