#ifndef FG_CFI_H
#define FG_CFI_H
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "../../../bpf/unwind.h"

/* Unwind tables for the in-kernel unwinder, from a file's .eh_frame (found
 * through .eh_frame_hdr, as every linker emits it), evaluated with libdw. */

struct fg_cfi_rows {
	struct fg_unwind_row *rows; /* sorted by file offset, equal neighbours merged */
	size_t count;
	size_t fdes;        /* functions (FDEs) covered */
	size_t unsupported; /* rows whose CFA rule is not evaluated (cut there) */
};

/* From an open file (not closed by this) or an in-memory image (the vDSO).
 * 0, -ENOENT (no .eh_frame_hdr), -ENOEXEC (not x86-64 ELF), -EFBIG (code
 * beyond 4 GiB), -ENOMEM. */
int fg_cfi_rows_fd(int fd, struct fg_cfi_rows *out);
int fg_cfi_rows_memory(const void *image, size_t size, struct fg_cfi_rows *out);
void fg_cfi_rows_free(struct fg_cfi_rows *rows);

#endif
