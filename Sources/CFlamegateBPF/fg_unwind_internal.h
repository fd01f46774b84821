#ifndef FG_UNWIND_INTERNAL_H
#define FG_UNWIND_INTERNAL_H
#include "fg_unwind.h"

struct fg_unwind {
	int rows_fd, files_fd;
	struct fg_unwind_row *rows; /* unwind_rows, mapped */
	struct fg_unwind_usage usage;
	int disabled; /* every file ABSENT: frame pointers only */
};

int fg_unwind_init(struct fg_unwind *u, int rows_fd, int files_fd, uint32_t capacity);
void fg_unwind_close(struct fg_unwind *u);
/* Builds and loads the table a request asks for. */
int fg_unwind_request(struct fg_unwind *u, const struct fg_unwind_request *req);
/* Loads the table of a file by path ahead of any request (no-op when loaded). */
int fg_unwind_prepare(struct fg_unwind *u, const char *path);
struct stat;
/* The kernel's identity of a file from stat(2), as the BPF side reads it. */
void fg_unwind_key_of(const struct stat *st, struct fg_unwind_key *key);
/* Drops requests that were never answered, so the next run asks again. */
int fg_unwind_forget_pending(struct fg_unwind *u);
#endif
