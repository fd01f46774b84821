#include "fg_mmaptrack.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fg_maps.h"
#include "fg_perf_internal.h"

struct ring {
	int fd;
	void *base;
	size_t data_size;
};

struct fg_mmaptrack {
	struct ring *rings;
	int nrings;
	size_t page_size;
	struct fg_map_record *recs;
	size_t len, cap;
	char *names; /* packed names of the records in `recs` */
	size_t names_len, names_cap;
	char *scratch; /* a record that wraps around the ring end */
	size_t scratch_cap;
};

/* Layout after the header with sample_id_all and sample_type TID|TIME:
 * { u32 pid, tid; u64 time; } at the end of every non-sample record. */
struct sample_id {
	uint32_t pid, tid;
	uint64_t time;
};

static int open_tracking_event(pid_t pid, int cpu)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_DUMMY;
	attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
	attr.sample_id_all = 1;
	attr.mmap = 1;
	attr.mmap2 = 1;
	attr.comm = 1;
	attr.comm_exec = 1;
	attr.task = 1;
	attr.inherit = 1;
	attr.use_clockid = 1;
	attr.clockid = CLOCK_MONOTONIC;
	attr.build_id = 1;
	int fd = fg_perf_event_open(&attr, pid, cpu, -1);
	if (fd == -EINVAL) {
		/* kernels before 5.12 lack build_id in MMAP2: fall back to inode ids */
		attr.build_id = 0;
		fd = fg_perf_event_open(&attr, pid, cpu, -1);
	}
	return fd;
}

int fg_mmaptrack__open(pid_t pid, size_t pages_per_cpu, struct fg_mmaptrack **out)
{
	int err = 0;
	int cpus[FG_MAX_CPUS];
	struct fg_mmaptrack *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->page_size = (size_t)sysconf(_SC_PAGESIZE);
	int ncpu = fg_online_cpus(cpus, FG_MAX_CPUS);
	if (ncpu < 0) {
		err = ncpu;
		goto cleanup;
	}
	m->rings = calloc((size_t)ncpu, sizeof(struct ring));
	if (!m->rings) {
		err = -ENOMEM;
		goto cleanup;
	}
	/* data area must be a power of two pages */
	size_t pages = 1;
	while (pages < pages_per_cpu)
		pages <<= 1;
	for (int i = 0; i < ncpu; i++) {
		int fd = open_tracking_event(pid, cpus[i]);
		if (fd == -ENODEV)
			continue;
		if (fd < 0) {
			err = fd;
			goto cleanup;
		}
		struct ring *r = &m->rings[m->nrings++];
		r->fd = fd;
		r->data_size = pages * m->page_size;
		r->base = mmap(NULL, r->data_size + m->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (r->base == MAP_FAILED) {
			r->base = NULL;
			err = -errno;
			goto cleanup;
		}
	}
	*out = m;
	return 0;
cleanup:
	fg_mmaptrack__destroy(m);
	return err;
}

static int push_record(struct fg_mmaptrack *m, const struct fg_map_record *rec, const char *name)
{
	if (m->len == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct fg_map_record *recs = realloc(m->recs, cap * sizeof(*recs));
		if (!recs)
			return -ENOMEM;
		m->recs = recs;
		m->cap = cap;
	}
	struct fg_map_record *dst = &m->recs[m->len++];
	*dst = *rec;
	dst->seq = m->len - 1;
	dst->name = NULL;
	if (name) {
		size_t n = strnlen(name, 4096) + 1;
		if (m->names_len + n > m->names_cap) {
			size_t cap = m->names_cap ? m->names_cap : 4096;
			while (cap < m->names_len + n)
				cap *= 2;
			char *names = realloc(m->names, cap);
			if (!names)
				return -ENOMEM;
			m->names = names;
			m->names_cap = cap;
		}
		memcpy(m->names + m->names_len, name, n - 1);
		m->names[m->names_len + n - 1] = 0;
		/* store the offset now; turned into pointers once all names are in */
		dst->name = (const char *)(uintptr_t)(m->names_len + 1);
		m->names_len += n;
	}
	return 0;
}

static const struct sample_id *trailer(const struct perf_event_header *h)
{
	return (const struct sample_id *)((const char *)h + h->size - sizeof(struct sample_id));
}

static int parse_record(struct fg_mmaptrack *m, const struct perf_event_header *h)
{
	struct fg_map_record rec;
	memset(&rec, 0, sizeof(rec));
	const char *p = (const char *)(h + 1);
	const char *name = NULL;
	if (h->size < sizeof(*h) + sizeof(struct sample_id))
		return 0;
	const struct sample_id *sid = trailer(h);
	rec.time_ns = sid->time;
	switch (h->type) {
	case PERF_RECORD_MMAP2: {
		const struct {
			uint32_t pid, tid;
			uint64_t addr, len, pgoff;
			union {
				struct {
					uint32_t maj, min;
					uint64_t ino, ino_generation;
				};
				struct {
					uint8_t build_id_size;
					uint8_t reserved[3];
					uint8_t build_id[20];
				};
			};
			uint32_t prot, flags;
		} *mm = (const void *)p;
		rec.kind = FG_REC_MMAP;
		rec.pid = mm->pid;
		rec.tid = mm->tid;
		rec.addr = mm->addr;
		rec.len = mm->len;
		rec.pgoff = mm->pgoff;
		rec.prot = mm->prot;
		rec.flags = mm->flags;
		if (h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) {
			rec.build_id_size = mm->build_id_size > 20 ? 20 : mm->build_id_size;
			memcpy(rec.build_id, mm->build_id, rec.build_id_size);
		} else {
			rec.maj = mm->maj;
			rec.min = mm->min;
			rec.ino = mm->ino;
		}
		name = (const char *)(mm + 1);
		break;
	}
	case PERF_RECORD_MMAP: {
		const struct {
			uint32_t pid, tid;
			uint64_t addr, len, pgoff;
		} *mm = (const void *)p;
		rec.kind = FG_REC_MMAP;
		rec.pid = mm->pid;
		rec.tid = mm->tid;
		rec.addr = mm->addr;
		rec.len = mm->len;
		rec.pgoff = mm->pgoff;
		rec.prot = 0x4; /* PROT_EXEC: plain MMAP records are executable mappings */
		name = (const char *)(mm + 1);
		break;
	}
	case PERF_RECORD_COMM: {
		const struct {
			uint32_t pid, tid;
		} *c = (const void *)p;
		rec.kind = FG_REC_COMM;
		rec.pid = c->pid;
		rec.tid = c->tid;
		rec.comm_exec = (h->misc & PERF_RECORD_MISC_COMM_EXEC) ? 1 : 0;
		name = (const char *)(c + 1);
		break;
	}
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT: {
		const struct {
			uint32_t pid, ppid, tid, ptid;
			uint64_t time;
		} *f = (const void *)p;
		rec.kind = h->type == PERF_RECORD_FORK ? FG_REC_FORK : FG_REC_EXIT;
		rec.pid = f->pid;
		rec.tid = f->tid;
		rec.addr = f->ppid; /* parent pid rides in addr */
		break;
	}
	case PERF_RECORD_LOST: {
		const struct {
			uint64_t id, lost;
		} *l = (const void *)p;
		rec.kind = FG_REC_LOST;
		rec.lost = l->lost;
		break;
	}
	default:
		return 0;
	}
	return push_record(m, &rec, name);
}

static int drain_ring(struct fg_mmaptrack *m, struct ring *r)
{
	struct perf_event_mmap_page *meta = r->base;
	const char *data = (const char *)r->base + m->page_size;
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;
	int err = 0;
	while (tail < head) {
		size_t off = tail % r->data_size;
		const struct perf_event_header *h = (const void *)(data + off);
		size_t size = h->size;
		if (size == 0)
			break;
		if (off + size > r->data_size) {
			/* record wraps around the end of the ring: reassemble it */
			if (m->scratch_cap < size) {
				char *s = realloc(m->scratch, size);
				if (!s)
					return -ENOMEM;
				m->scratch = s;
				m->scratch_cap = size;
			}
			size_t first = r->data_size - off;
			memcpy(m->scratch, data + off, first);
			memcpy(m->scratch + first, data, size - first);
			h = (const void *)m->scratch;
		}
		err = parse_record(m, h);
		if (err)
			break;
		tail += size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return err;
}

static int by_time(const void *a, const void *b)
{
	const struct fg_map_record *x = a, *y = b;
	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int fg_mmaptrack__read(struct fg_mmaptrack *m, const struct fg_map_record **records, size_t *count)
{
	m->len = 0;
	m->names_len = 0;
	for (int i = 0; i < m->nrings; i++) {
		int err = drain_ring(m, &m->rings[i]);
		if (err)
			return err;
	}
	/* names were stored as offset+1 while the buffer could still move */
	for (size_t i = 0; i < m->len; i++)
		if (m->recs[i].name)
			m->recs[i].name = m->names + ((uintptr_t)m->recs[i].name - 1);
	/* merge the per-CPU streams by time; arrival order keeps one CPU's records in sequence */
	qsort(m->recs, m->len, sizeof(*m->recs), by_time);
	*records = m->recs;
	*count = m->len;
	return 0;
}

void fg_mmaptrack__destroy(struct fg_mmaptrack *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->nrings; i++) {
		if (m->rings[i].base)
			munmap(m->rings[i].base, m->rings[i].data_size + m->page_size);
		close(m->rings[i].fd);
	}
	free(m->rings);
	free(m->recs);
	free(m->names);
	free(m->scratch);
	free(m);
}
