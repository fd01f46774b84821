/* ABI shared by alloc.bpf.c, the preloaded sampling shim and user space:
 * allocations of the tracked tree, the ones still outstanding by address, and
 * totals by stack, allocator function and log2 size. Fixed-width types only. */
#ifndef FG_ALLOC_H
#define FG_ALLOC_H

#include "tracker.h"

/* Allocator functions one recording can tell apart; the index is the
 * function's place in user space's table (exact mode) or an fg_shim_func
 * (sampled mode). The last index is anonymous mmap in both modes. */
#define FG_ALLOC_MAX_FUNCS 32
#define FG_ALLOC_FUNC_MMAP (FG_ALLOC_MAX_FUNCS - 1)
/* Size histograms: slot 0 holds size 0, slot k holds [2^(k-1), 2^k). */
#define FG_ALLOC_HIST_SLOTS 65

/* Every count and byte total is weighted: an event stands for `weight /
 * FG_WEIGHT_ONE` events. Exact tracing uses FG_WEIGHT_ONE; a sampled
 * allocation of size s sampled with probability p has weight
 * FG_WEIGHT_ONE / p (Horvitz-Thompson, as tcmalloc's heap profiler). */
#define FG_WEIGHT_SHIFT 16
#define FG_WEIGHT_ONE (1ULL << FG_WEIGHT_SHIFT)

/* How an uprobe's arguments carry the request; part of the attach cookie:
 * cookie = function index | layout << 8. */
enum fg_alloc_layout {
	FG_LAYOUT_SIZE0 = 1,          /* malloc(size), valloc, pvalloc, operator new, mallocx */
	FG_LAYOUT_SIZE1 = 2,          /* memalign(align, size), aligned_alloc */
	FG_LAYOUT_CALLOC = 3,         /* calloc(n, size) */
	FG_LAYOUT_REALLOC = 4,        /* realloc(ptr, size), rallocx */
	FG_LAYOUT_REALLOCARRAY = 5,   /* reallocarray(ptr, n, size) */
	FG_LAYOUT_POSIX_MEMALIGN = 6, /* posix_memalign(&ptr, align, size): returns 0 or errno */
	FG_LAYOUT_FREE = 7,           /* free(ptr), operator delete, dallocx */
};

/* Functions the sampling shim wraps: the `func` it passes to its markers. */
enum fg_shim_func {
	FG_SHIM_MALLOC = 0,
	FG_SHIM_CALLOC = 1,
	FG_SHIM_REALLOC = 2,
	FG_SHIM_REALLOCARRAY = 3,
	FG_SHIM_POSIX_MEMALIGN = 4,
	FG_SHIM_ALIGNED_ALLOC = 5,
	FG_SHIM_MEMALIGN = 6,
	FG_SHIM_VALLOC = 7,
	FG_SHIM_PVALLOC = 8,
	FG_SHIM_FUNCS = 9,
};

/* Key of `outstanding`: an address of one process; heap blocks and anonymous
 * mappings are kept apart (`space`) so neither's release can match the other. */
struct fg_alloc_key {
	__u32 tgid;
	__u32 space; /* 0 heap, 1 anonymous mapping */
	__u64 addr;
};

/* Value of `outstanding`: one live allocation. */
struct fg_alloc_info {
	__u64 size;
	__u64 weight;      /* see FG_WEIGHT_ONE */
	__u64 user_stack;  /* hash into `stacks`, 0 = none */
	__u64 ts_ns;       /* bpf_ktime_get_ns at allocation */
	__u32 gen;         /* exec generation of tgid */
	__u32 func;
};

/* Key of `sites`: what one stack allocated through one function. */
struct fg_alloc_site_key {
	__u32 tgid;
	__u32 gen;
	__u64 user_stack;
	__u32 func;
	__u32 pad;
};

struct fg_alloc_site_value {
	__u64 count; /* weighted */
	__u64 bytes; /* weighted */
	__s64 live;  /* weighted bytes from this site still allocated */
	__s64 peak;  /* the most `live` has been: what the site retained at its height */
};

/* Value of `funcs`, indexed by function. */
struct fg_alloc_func_stats {
	__u64 count;  /* weighted allocations */
	__u64 bytes;  /* weighted bytes */
	__u64 frees;  /* weighted frees that matched an outstanding allocation */
	__u64 failed; /* calls that returned no memory */
};

/* A call in flight in exact mode, per thread, from the entry uprobe to the
 * return uprobe. `sp` is the user stack pointer at entry: a call entered with
 * a lower one is nested inside this one (realloc calling malloc, operator new
 * calling malloc) and not counted twice; so is one entered at the same sp
 * whose return address is no longer `ret` — a tail call (operator new[]
 * jumping to operator new) after this call's uretprobe took the return
 * address. A return with sp != entry sp + the return address's size is a
 * nested call's. */
struct fg_alloc_pending {
	__u64 sp;
	__u64 ret;        /* the word at sp at entry: the caller's return address */
	__u64 size;
	__u64 arg_ptr;    /* realloc: the old block; posix_memalign: where the result goes */
	__u64 user_stack;
	__u32 cookie;
	__u32 has_old;    /* realloc: `old` was outstanding and is taken out for the call */
	struct fg_alloc_info old;
};

/* Slots of `heap`: weighted outstanding bytes of the tree, now and at peak. */
enum fg_alloc_heap_slot {
	FG_HEAP_CURRENT = 0,
	FG_HEAP_PEAK = 1,
	FG_HEAP_SLOTS = 2,
};

/* Slots of the `stats` per-CPU array: what was seen and what was lost. */
enum fg_alloc_stat {
	FG_ALLOC_OUTSTANDING_FULL = 0, /* allocation not tracked: `outstanding` full */
	FG_ALLOC_PENDING_FULL = 1,     /* call lost: `pending` full */
	FG_ALLOC_SITES_FULL = 2,       /* allocation left out of the per-stack totals */
	FG_ALLOC_STACKS_FULL = 3,      /* allocation kept without its stack */
	FG_ALLOC_STACK_ERRORS = 4,     /* bpf_get_stack failed */
	FG_ALLOC_UNMATCHED_FREES = 5,  /* frees of blocks allocated before tracing or untracked */
	FG_ALLOC_NESTED = 6,           /* allocator calls inside another (counted once) */
	FG_ALLOC_INTERNAL_MMAPS = 7,   /* anonymous mmaps made by the allocator itself */
	FG_ALLOC_UNPAIRED_RETURNS = 8, /* returns whose entry was not seen (attached mid-call) */
	FG_ALLOC_SHIM_LOADS = 9,       /* processes that loaded the sampling shim */
	FG_ALLOC_SHIM_DROPPED = 10,    /* allocations the shim could not sample (its table was full) */
	FG_ALLOC_STAT_MAX = 11,
};

_Static_assert(sizeof(struct fg_alloc_key) == 16, "fg_alloc_key ABI");
_Static_assert(sizeof(struct fg_alloc_info) == 40, "fg_alloc_info ABI");
_Static_assert(sizeof(struct fg_alloc_site_key) == 24, "fg_alloc_site_key ABI");
_Static_assert(sizeof(struct fg_alloc_site_value) == 32, "fg_alloc_site_value ABI");
_Static_assert(sizeof(struct fg_alloc_func_stats) == 32, "fg_alloc_func_stats ABI");
_Static_assert(sizeof(struct fg_alloc_pending) == 88, "fg_alloc_pending ABI");

#endif
