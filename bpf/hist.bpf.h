/* Kernel side of hist.h. */
#ifndef FG_HIST_BPF_H
#define FG_HIST_BPF_H
#include "hist.h"

static __always_inline __u32 fg_log2(__u64 v)
{
	__u32 r = 0;
	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) { r += 1; }
	return r;
}

static __always_inline __u32 fg_hist_slot(__u64 v)
{
	if (v < 4)
		return (__u32)v;
	__u32 m = fg_log2(v);
	__u32 slot = 4 * (m - 1) + (__u32)((v >> (m - 2)) & 3);
	return slot < FG_HIST_SLOTS ? slot : FG_HIST_SLOTS - 1;
}

static __always_inline void fg_hist_add(struct fg_hist *h, __u64 v)
{
	__u32 slot = fg_hist_slot(v);
	if (slot < FG_HIST_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->sum, v);
}

#endif
