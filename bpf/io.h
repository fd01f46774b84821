/* ABI shared by io.bpf.c and user space: block I/O latency per device and
 * operation (after BCC's biolatency/biotop), and the latency of the tracked
 * tree's I/O and waiting syscalls. */
#ifndef FG_IO_H
#define FG_IO_H

#include "hist.h"

/* Syscalls traced, in the order of user space's list (it keeps the names). */
#define FG_IO_MAX_SYSCALLS 32
/* syscall numbers are below this on every supported architecture */
#define FG_IO_MAX_SYSCALL_NR 512

struct fg_block_key {
	__u32 dev;     /* kernel dev_t of the whole disk: major << 20 | minor */
	__u16 op;      /* REQ_OP_*: 0 read, 1 write, 2 flush, 3 discard, … */
	__u16 tracked; /* 1: submitted by the tracked tree */
};

struct fg_block_start {
	__u64 ts;
	__u32 dev;
	__u32 op;
	__u32 tracked;  /* issued on behalf of the tracked tree */
	__u32 pad;
};

struct fg_syscall_start {
	__u64 ts;
	__u64 slot;     /* index of the syscall in user space's list */
};

enum fg_io_stat {
	FG_IO_BLOCK_STARTS_FULL = 0,  /* `issued` map full: a request's latency lost */
	FG_IO_BLOCK_KEYS_FULL = 1,    /* `block` map full: a device/op histogram lost */
	FG_IO_SYSCALL_STARTS_FULL = 2,
	FG_IO_STAT_MAX = 3,
};

_Static_assert(sizeof(struct fg_block_start) == 24, "fg_block_start ABI");
_Static_assert(sizeof(struct fg_block_key) == 8, "fg_block_key ABI");

#endif
