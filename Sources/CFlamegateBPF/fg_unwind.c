#include "fg_unwind_internal.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "fg_cfi.h"
#include "fg_elf.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The kernel's identity of a file from stat(2): its dev_t is major << 20 | minor. */
void fg_unwind_key_of(const struct stat *st, struct fg_unwind_key *key)
{
	memset(key, 0, sizeof(*key));
	key->ino = st->st_ino;
	key->dev = (uint32_t)(major(st->st_dev) << 20 | minor(st->st_dev));
	key->ctime_sec = st->st_ctim.tv_sec;
	key->ctime_nsec = (uint32_t)st->st_ctim.tv_nsec & ((1U << 30) - 1);
}

int fg_unwind_init(struct fg_unwind *u, int rows_fd, int files_fd, uint32_t capacity)
{
	memset(u, 0, sizeof(*u));
	u->rows_fd = rows_fd;
	u->files_fd = files_fd;
	u->usage.capacity = capacity;
	size_t size = (size_t)capacity * sizeof(struct fg_unwind_row);
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, rows_fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	u->rows = m;
	return 0;
}

void fg_unwind_close(struct fg_unwind *u)
{
	if (u->rows)
		munmap(u->rows, (size_t)u->usage.capacity * sizeof(struct fg_unwind_row));
	u->rows = NULL;
}

static int publish(struct fg_unwind *u, const struct fg_unwind_key *key, uint32_t state, uint32_t first,
		   uint32_t count)
{
	struct fg_unwind_table t = { .first = first, .count = count, .state = state };
	return bpf_map_update_elem(u->files_fd, key, &t, BPF_ANY) ? -errno : 0;
}

/* Loads the rows of one file (open on fd, or the vDSO when fd < 0). */
static int load(struct fg_unwind *u, const struct fg_unwind_key *key, int fd)
{
	struct fg_cfi_rows rows;
	uint64_t t0 = now_ns();
	int err;
	if (u->disabled)
		return publish(u, key, FG_UNWIND_ABSENT, 0, 0);
	if (fd >= 0) {
		err = fg_cfi_rows_fd(fd, &rows);
	} else {
		const void *image;
		size_t size;
		err = fg_vdso_image(&image, &size);
		if (!err)
			err = fg_cfi_rows_memory(image, size, &rows);
	}
	u->usage.build_ns += now_ns() - t0;
	if (err) {
		u->usage.absent++;
		return publish(u, key, FG_UNWIND_ABSENT, 0, 0);
	}
	if (rows.count > u->usage.capacity - u->usage.rows) {
		fg_cfi_rows_free(&rows);
		u->usage.full++;
		return publish(u, key, FG_UNWIND_ABSENT, 0, 0);
	}
	uint32_t first = (uint32_t)u->usage.rows;
	memcpy(&u->rows[first], rows.rows, rows.count * sizeof(*rows.rows));
	u->usage.rows += rows.count;
	u->usage.files++;
	uint32_t count = (uint32_t)rows.count;
	fg_cfi_rows_free(&rows);
	__sync_synchronize();
	return publish(u, key, FG_UNWIND_READY, first, count);
}

/* The range of tgid's mapping that now holds `address`, if it maps inode `ino`. */
static int current_range(uint32_t tgid, uint64_t address, uint64_t ino, uint64_t *start, uint64_t *end)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%u/maps", tgid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int err = -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, off, inode;
		char perms[8], dev[16];
		if (sscanf(line, "%llx-%llx %7s %llx %15s %llu", &s, &e, perms, &off, dev, &inode) != 6)
			continue;
		if (address >= s && address < e) {
			if (inode == ino) {
				*start = s;
				*end = e;
				err = 0;
			}
			break;
		}
	}
	fclose(f);
	return err;
}

int fg_unwind_request(struct fg_unwind *u, const struct fg_unwind_request *req)
{
	if (req->key.dev == 0 && req->key.ino == FG_UNWIND_VDSO_INO)
		return load(u, &req->key, -1);
	char path[96];
	snprintf(path, sizeof(path), "/proc/%u/map_files/%llx-%llx", req->tgid, (unsigned long long)req->vm_start,
		 (unsigned long long)req->vm_end);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* the mapping was split or merged since (mprotect): its current range */
		uint64_t start, end;
		if (current_range(req->tgid, req->vm_start, req->key.ino, &start, &end) == 0) {
			snprintf(path, sizeof(path), "/proc/%u/map_files/%llx-%llx", req->tgid,
				 (unsigned long long)start, (unsigned long long)end);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		}
	}
	if (fd < 0) {
		/* the process is gone: forget the request, the next run asks again */
		u->usage.unreadable++;
		bpf_map_delete_elem(u->files_fd, &req->key);
		return 0;
	}
	int err = load(u, &req->key, fd);
	close(fd);
	return err;
}

int fg_unwind_prepare(struct fg_unwind *u, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	struct fg_unwind_key key;
	fg_unwind_key_of(&st, &key);
	struct fg_unwind_table t;
	int err = 0;
	if (bpf_map_lookup_elem(u->files_fd, &key, &t) != 0 || t.state == FG_UNWIND_PENDING)
		err = load(u, &key, fd);
	close(fd);
	return err;
}

int fg_unwind_forget_pending(struct fg_unwind *u)
{
	struct fg_unwind_key key, next;
	struct fg_unwind_key *prev = NULL;
	struct fg_unwind_key stale[256];
	size_t n = 0;
	while (bpf_map_get_next_key(u->files_fd, prev, &next) == 0) {
		struct fg_unwind_table t;
		if (bpf_map_lookup_elem(u->files_fd, &next, &t) == 0 && t.state == FG_UNWIND_PENDING &&
		    n < sizeof(stale) / sizeof(stale[0]))
			stale[n++] = next;
		key = next;
		prev = &key;
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(u->files_fd, &stale[i]);
	return 0;
}
