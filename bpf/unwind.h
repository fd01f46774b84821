/* ABI shared by the in-kernel user-stack unwinder (unwind.bpf.h) and user
 * space (fg_unwind.c): per-file unwind tables built from .eh_frame, the
 * requests for tables the kernel side found missing, and its counters. */
#ifndef FG_UNWIND_H
#define FG_UNWIND_H

/* How a row computes the canonical frame address (CFA). x86-64 only. */
enum fg_unwind_cfa {
	FG_UNWIND_CFA_NONE = 0,   /* no CFI covers this address, or a rule this unwinder cannot evaluate */
	FG_UNWIND_CFA_RSP = 1,    /* rsp + cfa_offset */
	FG_UNWIND_CFA_RBP = 2,    /* rbp + cfa_offset */
	FG_UNWIND_CFA_PLT = 3,    /* a PLT entry: rsp + 8, + 8 more when (rip & 15) >= cfa_offset */
	FG_UNWIND_CFA_SIGNAL = 4, /* a signal trampoline: registers saved in the ucontext at rsp */
	FG_UNWIND_CFA_END = 5,    /* the outermost frame (return address undefined: _start, a thread's start) */
};

/* Where the caller's rbp is. The return address is always at CFA - 8. */
enum fg_unwind_rbp {
	FG_UNWIND_RBP_SAME = 0,      /* unchanged */
	FG_UNWIND_RBP_AT_CFA = 1,    /* saved at CFA + rbp_offset */
	FG_UNWIND_RBP_UNDEFINED = 2, /* not recoverable */
};

/* One row of a file's table: the rules from file offset `pc` up to the next
 * row's. Rows of a file are contiguous in `unwind_rows`, sorted by pc. */
struct fg_unwind_row {
	__u32 pc;
	__u8 cfa;
	__u8 rbp;
	__u16 pad;
	__s32 cfa_offset;
	__s32 rbp_offset;
};

/* Identity of a mapped file as the kernel sees it (vma->vm_file's inode); the
 * change time keeps a rebuilt file in place apart from its old table. The
 * vDSO is {dev 0, ino FG_UNWIND_VDSO_INO}. */
#define FG_UNWIND_VDSO_INO 1ULL

struct fg_unwind_key {
	__u64 ino;
	__u32 dev;        /* kernel dev_t: major << 20 | minor */
	__u32 ctime_nsec; /* low 30 bits of the change time's nanoseconds */
	__s64 ctime_sec;
};

enum fg_unwind_state {
	FG_UNWIND_PENDING = 0, /* asked for, not built yet: frames use frame pointers meanwhile */
	FG_UNWIND_READY = 1,   /* rows [first, first + count) */
	FG_UNWIND_ABSENT = 2,  /* the file has no usable CFI or no room was left: frame pointers */
};

struct fg_unwind_table {
	__u32 first;
	__u32 count;
	__u32 state;
	__u32 pad;
};

/* Sent once per file when a tracked process runs code of a file that has no
 * table yet; user space opens /proc/tgid/map_files/vm_start-vm_end. */
struct fg_unwind_request {
	struct fg_unwind_key key;
	__u64 vm_start;
	__u64 vm_end;
	__u32 tgid;
	__u32 pad;
};

/* Slots of the shared `unwind_stats` per-CPU array. */
enum fg_unwind_stat {
	FG_UNWIND_STACKS = 0,        /* user stacks unwound */
	FG_UNWIND_COMPLETE = 1,      /* ... that reached the outermost frame */
	FG_UNWIND_CUT_PENDING = 2,   /* stacks cut while a table was being built */
	FG_UNWIND_CUT_NO_TABLE = 3,  /* cut where code without a table had no frame pointer */
	FG_UNWIND_CUT_UNSUPPORTED = 4, /* cut at a CFI rule the unwinder does not evaluate */
	FG_UNWIND_CUT_READ = 5,      /* cut: stack memory could not be read */
	FG_UNWIND_CUT_DEPTH = 6,     /* cut at the depth limit (FG_MAX_STACK_DEPTH frames) */
	FG_UNWIND_CUT_BUSY = 7,      /* cut: a mapping not learned yet, bpf_find_vma refused */
	FG_UNWIND_CUT_UNMAPPED = 8,  /* cut: a return address outside every mapping */
	FG_UNWIND_REQUESTS_LOST = 9, /* table requests dropped (ring full): retried later */
	FG_UNWIND_NOT_STARTED = 10,  /* the leaf's stack was not readable yet: a sample inside execve */
	FG_UNWIND_STAT_MAX = 11,
};

_Static_assert(sizeof(struct fg_unwind_row) == 16, "fg_unwind_row ABI");
_Static_assert(sizeof(struct fg_unwind_key) == 24, "fg_unwind_key ABI");
_Static_assert(sizeof(struct fg_unwind_request) == 48, "fg_unwind_request ABI");

#endif
