/* Log-linear latency histograms shared by several probes: four sub-buckets
 * per power of two, so percentiles are within 25% instead of 2x. Values
 * 0..3 get their own slots; v in [2^m, 2^(m+1)) with m >= 2 goes to slot
 * 4*(m-1) + ((v >> (m-2)) & 3). */
#ifndef FG_HIST_H
#define FG_HIST_H

#define FG_HIST_SLOTS 256

struct fg_hist {
	__u64 slots[FG_HIST_SLOTS];
	__u64 count;
	__u64 sum;   /* of the recorded values */
	__u64 bytes; /* block I/O: bytes completed */
	__u64 attributed_count; /* block I/O: requests issued by the tracked tree */
	__u64 attributed_bytes;
};

_Static_assert(sizeof(struct fg_hist) == 8 * (FG_HIST_SLOTS + 5), "fg_hist ABI");

#endif
