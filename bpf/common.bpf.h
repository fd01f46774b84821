/* Kernel-side pieces every probe object shares. Each object declares the same
 * `tracked` and `stacks` maps; user space makes them all point at the tracker's
 * maps (bpf_map__reuse_fd) before load, so there is one process tree and one
 * stack store for all probes. */
#ifndef FG_COMMON_BPF_H
#define FG_COMMON_BPF_H

#include "tracker.h"
#include "errno.bpf.h"
#include "unwind.bpf.h"

#ifndef FG_MAX_TRACKED
#define FG_MAX_TRACKED 8192
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FG_MAX_TRACKED);
	__type(key, __u32); /* tgid */
	__type(value, struct fg_task_info);
} tracked SEC(".maps");

/* Preallocated: a sample's stack is stored from interrupt context, where the
 * on-demand allocator of BPF_F_NO_PREALLOC maps fails with -ENOMEM until its
 * per-CPU cache is refilled (seen on the first samples of every run). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* content hash, never 0 */
	__type(value, struct fg_stack);
} stacks SEC(".maps");

/* A probe's per-CPU counters (`stats`, n slots, read and summed by user
 * space) and count_stat() to bump one. */
#define FG_STATS_MAP(n)                                                   \
	struct {                                                          \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                  \
		__uint(max_entries, n);                                   \
		__type(key, __u32);                                       \
		__type(value, __u64);                                     \
	} stats SEC(".maps");                                             \
	static __always_inline void count_stat(__u32 slot)                \
	{                                                                 \
		__u64 *v = bpf_map_lookup_elem(&stats, &slot);            \
		if (v)                                                    \
			*v += 1;                                          \
	}

/* A probe's per-CPU working space for fg_store_stack (too large for the
 * 512-byte BPF stack). */
struct fg_scratch {
	struct fg_stack stack;
	struct fg_unwind_walk walk;
};

#define FG_SCRATCH_MAP                                                    \
	struct {                                                          \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                  \
		__uint(max_entries, 1);                                   \
		__type(key, __u32);                                       \
		__type(value, struct fg_scratch);                         \
	} scratch SEC(".maps");

/* Seeds keep a kernel stack and a user stack with the same addresses apart. */
#define FG_SEED_USER 0x9e3779b97f4a7c15ULL
#define FG_SEED_KERNEL 0xc2b2ae3d27d4eb4fULL

static __always_inline struct fg_task_info *fg_tracked_task(__u32 tgid)
{
	return bpf_map_lookup_elem(&tracked, &tgid);
}

/* 64-bit hash of a frame list (FNV-1a over words, then a murmur finaliser). */
static __always_inline __u64 fg_hash_stack(const struct fg_stack *s, __u64 seed)
{
	__u64 h = (seed ^ s->depth ^ s->leaf_return) * 0x100000001b3ULL;
	for (int i = 0; i < FG_MAX_STACK_DEPTH; i++) {
		if (i >= s->depth)
			break;
		h ^= s->ips[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;
}

/* Outcome of fg_store_stack, for the caller's drop accounting. */
enum fg_stack_result {
	FG_STACK_OK = 0,
	FG_STACK_EMPTY = 1,  /* no frames (kernel thread's user stack, user-mode sample's kernel stack) */
	FG_STACK_ERROR = 2,  /* bpf_get_stack failed */
	FG_STACK_FULL = 3,   /* `stacks` map full */
};

/* The word on top of the user stack if it is a return address: the byte
 * sequence before it is a call instruction. Read from the task's saved user
 * registers, so it works whether the sample interrupted user or kernel code. */
static __always_inline __u64 fg_leaf_return(void)
{
#if defined(__TARGET_ARCH_x86)
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	__u64 ret = 0;
	__u8 op[7];
	if (!regs || bpf_probe_read_user(&ret, sizeof(ret), (void *)regs->sp) != 0 || ret < sizeof(op))
		return 0;
	if (bpf_probe_read_user(op, sizeof(op), (void *)(ret - sizeof(op))) != 0)
		return 0;
	/* op[i] is the byte at ret - 7 + i */
	if (op[2] == 0xe8)                                       /* call rel32 */
		return ret;
	if (op[1] == 0xff && op[2] == 0x15)                      /* call *disp32(%rip) */
		return ret;
	if (op[5] == 0xff && (op[6] & 0xf8) == 0xd0)             /* call *%reg */
		return ret;
	if (op[4] == 0xff && (op[5] & 0xf8) == 0x50)             /* call *disp8(%reg) */
		return ret;
	return 0;
#elif defined(__TARGET_ARCH_arm64)
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	return regs ? regs->regs[30] : 0; /* the link register */
#else
	return 0;
#endif
}

/* Captures the current stack into `scratch` (a per-CPU buffer owned by the
 * caller's object) and stores it in `stacks` under its hash, which goes to
 * *out (0 when there is no stack). The user stack is unwound by
 * fg_unwind_user, the kernel stack by bpf_get_stack. */
static __always_inline int fg_store_stack(void *ctx, struct fg_scratch *work, __u64 flags,
					  __u64 *out)
{
	struct fg_stack *scratch = &work->stack;
	*out = 0;
	if (flags & BPF_F_USER_STACK) {
		struct fg_task_info *info = fg_tracked_task(bpf_get_current_pid_tgid() >> 32);
		if (fg_unwind_user(scratch, &work->walk, info ? info->gen : 0) == 0)
			return FG_STACK_EMPTY;
		fg_python_stack(scratch, info ? info->gen : 0);
		scratch->leaf_return = (scratch->flags & FG_STACK_LEAF_BY_TABLE) ? 0 : fg_leaf_return();
	} else {
		long n = bpf_get_stack(ctx, scratch->ips, sizeof(scratch->ips), flags);
		if (n < 0)
			return n == -EFAULT ? FG_STACK_EMPTY : FG_STACK_ERROR;
		if (n == 0)
			return FG_STACK_EMPTY;
		scratch->depth = n / sizeof(__u64);
		scratch->flags = 0;
		scratch->leaf_return = 0;
	}
	__u64 h = fg_hash_stack(scratch, (flags & BPF_F_USER_STACK) ? FG_SEED_USER : FG_SEED_KERNEL);
	if (bpf_map_update_elem(&stacks, &h, scratch, BPF_NOEXIST) != 0 && !bpf_map_lookup_elem(&stacks, &h)) {
		return FG_STACK_FULL;
	}
	*out = h;
	return FG_STACK_OK;
}

#endif
