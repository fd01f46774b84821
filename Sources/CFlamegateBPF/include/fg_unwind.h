#ifndef FG_UNWIND_SHIM_H
#define FG_UNWIND_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "../../../bpf/unwind.h"

/* User space of the in-kernel unwinder: builds each mapped file's table when
 * the kernel side asks for it (or ahead, for files every target maps) and
 * writes it into the shared `unwind_rows`/`unwind_files` maps. Tables stay
 * loaded for the tracker's lifetime: the key carries the file's change time,
 * so a file rebuilt in place gets a new table. */
struct fg_unwind_usage {
	uint64_t files;          /* tables loaded */
	uint64_t absent;         /* files without usable CFI (frame pointers only) */
	uint64_t full;           /* files left without a table: no room left in unwind_rows */
	uint64_t rows;           /* rows in use */
	uint64_t capacity;       /* rows available */
	uint64_t build_ns;       /* time spent building tables */
	uint64_t unreadable;     /* requested files that could not be opened (process gone) */
};

#endif
