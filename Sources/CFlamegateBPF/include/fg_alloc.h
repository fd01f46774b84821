#ifndef FG_ALLOC_SHIM_H
#define FG_ALLOC_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "../../../bpf/alloc.h"

struct fg_tracker;
/* Allocations of the tracked tree: uprobes on the allocator (exact mode) or
 * on the preloaded sampling shim's markers (sampled mode). */
struct fg_alloc;

struct fg_alloc_config {
	uint32_t max_outstanding; /* live allocations kept at once; 0: the object's default */
	uint32_t trace_mmap;      /* attach tp_btf sys_enter/sys_exit for mmap/munmap (exact mode) */
};

/* Opens and loads the object against the tracker's maps; attaches nothing yet. */
int fg_alloc__open(const struct fg_alloc_config *cfg, const struct fg_tracker *tracker, struct fg_alloc **out);
/* Exact mode: one allocator function at a file offset of `path`, for every
 * process (the BPF side keeps the tracked ones). `cookie` is the function's
 * index | fg_alloc_layout << 8; FG_LAYOUT_FREE attaches the entry only, the
 * others the entry and the return. */
int fg_alloc__attach_function(struct fg_alloc *p, const char *path, uint64_t offset, uint32_t cookie);
/* Sampled mode: the markers of the sampling shim at `path`. */
int fg_alloc__attach_preload(struct fg_alloc *p, const char *path);
int fg_alloc__outstanding_fd(const struct fg_alloc *p);
int fg_alloc__sites_fd(const struct fg_alloc *p);
int fg_alloc__funcs_fd(const struct fg_alloc *p);
int fg_alloc__hists_fd(const struct fg_alloc *p);
int fg_alloc__heap_fd(const struct fg_alloc *p);
int fg_alloc__stats_fd(const struct fg_alloc *p);
uint32_t fg_alloc__max_outstanding(const struct fg_alloc *p);
uint32_t fg_alloc__max_sites(const struct fg_alloc *p);
void fg_alloc__destroy(struct fg_alloc *p);

/* File offsets of the named functions in an ELF file (.symtab, then .dynsym);
 * 0 for a name it does not define. -ENOEXEC when the file is not ELF. */
int fg_alloc__resolve(const char *path, const char *const *names, size_t count, uint64_t *offsets);

/* What an executable needs at load time: whether it has an interpreter (is
 * dynamically linked), its DT_NEEDED names and its DT_RUNPATH/DT_RPATH, each
 * list '\n'-separated into the caller's buffers (cut at their size). -ENOEXEC
 * when the file is not ELF (a script). */
int fg_alloc__dynamic_info(const char *path, int *dynamic, char *needed, size_t needed_cap, char *runpath,
			   size_t runpath_cap);

/* The sampling shim flamegate carries (libflamegate-alloc.so). */
const unsigned char *fg_alloc__preload_image(size_t *size);

/* Detaches every uprobe attached so far (about 90 ms each); the object, its
 * tracepoints and its maps stay. */
void fg_alloc__detach_uprobes(struct fg_alloc *p);
/* Empties the maps between two runs; the programs stay attached. */
int fg_alloc__reset(struct fg_alloc *p);

#endif
