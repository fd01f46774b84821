// SPDX-License-Identifier: GPL-2.0
/* Allocations of the tracked tree (after BCC's memleak). Exact mode: uprobes
 * on the allocator's entry points and uretprobes on their returns, attached by
 * user space once per function with a cookie saying which function it is and
 * where its arguments are; anonymous mmap/munmap from the raw syscall tracepoints (tp_btf).
 * Sampled mode: uprobes on the no-op markers of the preloaded sampling shim,
 * called only for sampled allocations and their frees. Both keep every live
 * allocation by address (`outstanding`) and weighted totals by stack,
 * function and log2 size. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "errno.bpf.h"
#include "alloc.h"
#include "common.bpf.h"
#include "hist.bpf.h"

#define MAP_ANONYMOUS 0x20
#define PAGE_SIZE 4096
/* How far the stack pointer moves between a function's entry and its return:
 * the return address popped by `ret` (x86) or nothing (arm64: link register). */
#if defined(__TARGET_ARCH_x86)
#define RETURN_SP_DELTA 8
#else
#define RETURN_SP_DELTA 0
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 18);
	__type(key, struct fg_alloc_key);
	__type(value, struct fg_alloc_info);
} outstanding SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct fg_alloc_site_key);
	__type(value, struct fg_alloc_site_value);
} sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FG_ALLOC_MAX_FUNCS);
	__type(key, __u32);
	__type(value, struct fg_alloc_func_stats);
} funcs SEC(".maps");

/* weighted allocation counts, index func * FG_ALLOC_HIST_SLOTS + slot */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FG_ALLOC_MAX_FUNCS * FG_ALLOC_HIST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FG_HEAP_SLOTS);
	__type(key, __u32);
	__type(value, __s64);
} heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tid */
	__type(value, struct fg_alloc_pending);
} pending SEC(".maps");

/* an anonymous mmap between sys_enter and sys_exit */
struct mmap_call {
	__u64 len;
	__u64 user_stack;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* tid */
	__type(value, struct mmap_call);
} mmaps SEC(".maps");

FG_STATS_MAP(FG_ALLOC_STAT_MAX)

FG_SCRATCH_MAP

/* The current user stack into `stacks`; 0 when it could not be stored. */
static __always_inline __u64 user_stack(void *ctx)
{
	__u32 zero = 0;
	__u64 hash = 0;
	struct fg_scratch *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return 0;
	int r = fg_store_stack(ctx, buf, BPF_F_USER_STACK, &hash);
	if (r == FG_STACK_ERROR)
		count_stat(FG_ALLOC_STACK_ERRORS);
	else if (r == FG_STACK_FULL)
		count_stat(FG_ALLOC_STACKS_FULL);
	return hash;
}

/* Slot of a size: 0 for 0, k for [2^(k-1), 2^k). */
static __always_inline __u32 size_slot(__u64 v)
{
	return v == 0 ? 0 : fg_log2(v) + 1;
}

/* Outstanding bytes of the tree change by `delta` (weighted); keeps the peak. */
static __always_inline void heap_add(__s64 delta)
{
	__u32 cur_slot = FG_HEAP_CURRENT, peak_slot = FG_HEAP_PEAK;
	__s64 *cur = bpf_map_lookup_elem(&heap, &cur_slot);
	__s64 *peak = bpf_map_lookup_elem(&heap, &peak_slot);
	if (!cur || !peak)
		return;
	__s64 now = __sync_fetch_and_add(cur, delta) + delta;
	for (int i = 0; i < 4; i++) {
		__s64 seen = *peak;
		if (now <= seen || __sync_val_compare_and_swap(peak, seen, now) == seen)
			break;
	}
}

/* The bytes a site holds change by `delta` (weighted); keeps its peak. */
static __always_inline void site_live_add(struct fg_alloc_site_value *v, __s64 delta)
{
	__s64 now = __sync_fetch_and_add(&v->live, delta) + delta;
	for (int i = 0; i < 4; i++) {
		__s64 seen = v->peak;
		if (now <= seen || __sync_val_compare_and_swap(&v->peak, seen, now) == seen)
			break;
	}
}

/* The same for the site of a live allocation leaving or coming back. */
static __always_inline void site_live(__u32 tgid, const struct fg_alloc_info *info, __s64 delta)
{
	struct fg_alloc_site_key site = { .tgid = tgid, .gen = info->gen, .user_stack = info->user_stack,
					  .func = info->func };
	struct fg_alloc_site_value *v = bpf_map_lookup_elem(&sites, &site);
	if (v)
		site_live_add(v, delta);
}

/* A new live allocation: into `outstanding` and every total. */
static __always_inline void record_alloc(__u32 tgid, __u32 gen, __u64 addr, __u64 size, __u64 weight,
					 __u64 stack, __u32 func, __u32 space)
{
	if (func >= FG_ALLOC_MAX_FUNCS)
		return;
	__u64 bytes = size * weight;
	struct fg_alloc_key key = { .tgid = tgid, .space = space, .addr = addr };
	struct fg_alloc_info info = {
		.size = size, .weight = weight, .user_stack = stack, .ts_ns = bpf_ktime_get_ns(),
		.gen = gen, .func = func,
	};
	/* a block at this address we still hold was released where we could not
	 * see it (a path no probe covers): it is gone now */
	struct fg_alloc_info *stale = bpf_map_lookup_elem(&outstanding, &key);
	if (stale) {
		heap_add(-(__s64)(stale->size * stale->weight));
		site_live(tgid, stale, -(__s64)(stale->size * stale->weight));
	}
	heap_add(bytes);
	bool kept = true;
	if (bpf_map_update_elem(&outstanding, &key, &info, BPF_ANY) != 0) {
		heap_add(-(__s64)bytes);
		count_stat(FG_ALLOC_OUTSTANDING_FULL);
		kept = false;
	}

	struct fg_alloc_func_stats *f = bpf_map_lookup_elem(&funcs, &func);
	if (f) {
		__sync_fetch_and_add(&f->count, weight);
		__sync_fetch_and_add(&f->bytes, bytes);
	}
	__u32 slot = func * FG_ALLOC_HIST_SLOTS + size_slot(size);
	__u64 *h = bpf_map_lookup_elem(&hists, &slot);
	if (h)
		__sync_fetch_and_add(h, weight);

	struct fg_alloc_site_key site = { .tgid = tgid, .gen = gen, .user_stack = stack, .func = func };
	struct fg_alloc_site_value *v = bpf_map_lookup_elem(&sites, &site);
	if (!v) {
		struct fg_alloc_site_value zero = {};
		bpf_map_update_elem(&sites, &site, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&sites, &site);
		if (!v) {
			count_stat(FG_ALLOC_SITES_FULL);
			return;
		}
	}
	__sync_fetch_and_add(&v->count, weight);
	__sync_fetch_and_add(&v->bytes, bytes);
	/* only what `outstanding` holds can be freed again */
	if (kept)
		site_live_add(v, (__s64)bytes);
}

/* Takes a live allocation out of `outstanding`; copies it to *out when given.
 * Returns whether it was there. */
static __always_inline bool take_alloc(__u32 tgid, __u64 addr, __u32 space, struct fg_alloc_info *out)
{
	struct fg_alloc_key key = { .tgid = tgid, .space = space, .addr = addr };
	struct fg_alloc_info *info = bpf_map_lookup_elem(&outstanding, &key);
	if (!info)
		return false;
	struct fg_alloc_info copy = *info;
	if (bpf_map_delete_elem(&outstanding, &key) != 0)
		return false; /* another thread freed it first (a double free) */
	heap_add(-(__s64)(copy.size * copy.weight));
	site_live(tgid, &copy, -(__s64)(copy.size * copy.weight));
	if (out)
		*out = copy;
	return true;
}

static __always_inline void count_free(const struct fg_alloc_info *info)
{
	__u32 func = info->func;
	struct fg_alloc_func_stats *f = bpf_map_lookup_elem(&funcs, &func);
	if (f)
		__sync_fetch_and_add(&f->frees, info->weight);
}

static __always_inline void record_free(__u32 tgid, __u64 addr, __u32 space)
{
	struct fg_alloc_info info;
	if (take_alloc(tgid, addr, space, &info))
		count_free(&info);
	else
		count_stat(FG_ALLOC_UNMATCHED_FREES);
}

/* munmap of [addr, addr + len): a whole mapping, or its head. */
static __always_inline void record_unmap(__u32 tgid, __u64 addr, __u64 len)
{
	struct fg_alloc_info info;
	if (!take_alloc(tgid, addr, 1, &info))
		return;
	__u64 size = (info.size + PAGE_SIZE - 1) & ~(__u64)(PAGE_SIZE - 1);
	len = (len + PAGE_SIZE - 1) & ~(__u64)(PAGE_SIZE - 1);
	if (len >= size) {
		count_free(&info);
		return;
	}
	/* the rest stays mapped, now starting past the hole */
	struct fg_alloc_key key = { .tgid = tgid, .space = 1, .addr = addr + len };
	info.size = size - len;
	heap_add(info.size * info.weight);
	if (bpf_map_update_elem(&outstanding, &key, &info, BPF_ANY) != 0) {
		heap_add(-(__s64)(info.size * info.weight));
		count_stat(FG_ALLOC_OUTSTANDING_FULL);
	} else {
		site_live(tgid, &info, (__s64)(info.size * info.weight));
	}
}

/* ---- exact mode: the allocator's own entry points ---- */

SEC("uprobe")
int BPF_KPROBE(on_alloc_enter)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	if (!fg_tracked_task(tgid))
		return 0;
	__u64 sp = PT_REGS_SP(ctx), ret = 0;
	bpf_probe_read_user(&ret, sizeof(ret), (void *)sp);
	struct fg_alloc_pending *outer = bpf_map_lookup_elem(&pending, &tid);
	if (outer && (sp < outer->sp || (sp == outer->sp && ret != outer->ret))) {
		count_stat(FG_ALLOC_NESTED);
		return 0;
	}
	/* not nested: any entry left is stale (its call was left by unwinding) */
	struct fg_alloc_pending p = { .sp = sp, .ret = ret, .cookie = (__u32)bpf_get_attach_cookie(ctx) };
	__u64 a = PT_REGS_PARM1(ctx), b = PT_REGS_PARM2(ctx), c = PT_REGS_PARM3(ctx);
	switch (p.cookie >> 8) {
	case FG_LAYOUT_SIZE0: p.size = a; break;
	case FG_LAYOUT_SIZE1: p.size = b; break;
	/* n * size overflowing makes the call fail: its size is never used then */
	case FG_LAYOUT_CALLOC: p.size = a * b; break;
	case FG_LAYOUT_REALLOC: p.arg_ptr = a; p.size = b; break;
	case FG_LAYOUT_REALLOCARRAY: p.arg_ptr = a; p.size = b * c; break;
	case FG_LAYOUT_POSIX_MEMALIGN: p.arg_ptr = a; p.size = c; break;
	default: return 0;
	}
	/* realloc: the old block leaves `outstanding` now, while no other thread
	 * can be handed its address; a failed call puts it back */
	__u32 layout = p.cookie >> 8;
	if ((layout == FG_LAYOUT_REALLOC || layout == FG_LAYOUT_REALLOCARRAY) && p.arg_ptr)
		p.has_old = take_alloc(tgid, p.arg_ptr, 0, &p.old);
	p.user_stack = user_stack(ctx);
	if (bpf_map_update_elem(&pending, &tid, &p, BPF_ANY) != 0)
		count_stat(FG_ALLOC_PENDING_FULL);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(on_alloc_return)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct fg_task_info *task = fg_tracked_task(tgid);
	if (!task)
		return 0;
	struct fg_alloc_pending *found = bpf_map_lookup_elem(&pending, &tid);
	if (!found) {
		count_stat(FG_ALLOC_UNPAIRED_RETURNS);
		return 0;
	}
	if (PT_REGS_SP(ctx) != found->sp + RETURN_SP_DELTA)
		return 0; /* a nested call's return */
	struct fg_alloc_pending p = *found;
	bpf_map_delete_elem(&pending, &tid);

	__u32 func = p.cookie & 0xff, layout = p.cookie >> 8;
	__u64 ret = PT_REGS_RC(ctx), addr = ret;
	if (layout == FG_LAYOUT_POSIX_MEMALIGN) {
		addr = 0;
		if ((int)ret == 0)
			bpf_probe_read_user(&addr, sizeof(addr), (void *)p.arg_ptr);
	}
	bool resize = layout == FG_LAYOUT_REALLOC || layout == FG_LAYOUT_REALLOCARRAY;
	if (addr == 0 && !(resize && p.size == 0)) {
		/* no memory: the old block of a failed realloc is still there */
		if (p.has_old) {
			struct fg_alloc_key key = { .tgid = tgid, .space = 0, .addr = p.arg_ptr };
			heap_add(p.old.size * p.old.weight);
			if (bpf_map_update_elem(&outstanding, &key, &p.old, BPF_ANY) == 0)
				site_live(tgid, &p.old, (__s64)(p.old.size * p.old.weight));
		}
		struct fg_alloc_func_stats *f = func < FG_ALLOC_MAX_FUNCS ? bpf_map_lookup_elem(&funcs, &func) : 0;
		if (f)
			__sync_fetch_and_add(&f->failed, 1);
		return 0;
	}
	if (p.has_old)
		count_free(&p.old);
	if (addr != 0)
		record_alloc(tgid, task->gen, addr, p.size, FG_WEIGHT_ONE, p.user_stack, func, 0);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(on_free, void *ptr)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (!ptr || !fg_tracked_task(tgid))
		return 0;
	record_free(tgid, (__u64)ptr, 0);
	return 0;
}

/* The user stack pointer of the current task, wherever we are. */
static __always_inline __u64 user_sp(void)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	return regs ? PT_REGS_SP_CORE(regs) : 0;
}

/* The raw syscall tracepoints through BTF (tp_btf), not the per-syscall
 * `syscalls:sys_enter_mmap` ones: those are found through tracefs, which is
 * not mounted on every machine. One program sees every syscall: the number is
 * compared first, so the others cost a compare and a return. The numbers are
 * this architecture's, set by user space from <sys/syscall.h> (as io's are). */
const volatile long nr_mmap = -1;
const volatile long nr_munmap = -1;

static __always_inline int mmap_enter(void *ctx, struct pt_regs *regs)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	if (!fg_tracked_task(tgid))
		return 0;
	__u64 len = PT_REGS_PARM2_CORE_SYSCALL(regs);
	__u64 flags = PT_REGS_PARM4_CORE_SYSCALL(regs);
	if (!(flags & MAP_ANONYMOUS))
		return 0;
	/* inside an allocator call: the allocator's own memory, already counted
	 * as the blocks it hands out */
	struct fg_alloc_pending *in_alloc = bpf_map_lookup_elem(&pending, &tid);
	if (in_alloc && user_sp() < in_alloc->sp) {
		count_stat(FG_ALLOC_INTERNAL_MMAPS);
		return 0;
	}
	struct mmap_call call = { .len = len, .user_stack = user_stack(ctx) };
	if (bpf_map_update_elem(&mmaps, &tid, &call, BPF_ANY) != 0)
		count_stat(FG_ALLOC_PENDING_FULL);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long nr)
{
	if (nr == nr_mmap)
		return mmap_enter(ctx, regs);
	if (nr == nr_munmap) {
		__u32 tgid = bpf_get_current_pid_tgid() >> 32;
		if (fg_tracked_task(tgid))
			record_unmap(tgid, PT_REGS_PARM1_CORE_SYSCALL(regs), PT_REGS_PARM2_CORE_SYSCALL(regs));
	}
	return 0;
}

/* Only a thread with an mmap in `mmaps` (entered above) gets past the lookup. */
SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct mmap_call *found = bpf_map_lookup_elem(&mmaps, &tid);
	if (!found)
		return 0;
	struct mmap_call call = *found;
	bpf_map_delete_elem(&mmaps, &tid);
	struct fg_task_info *task = fg_tracked_task(tgid);
	if (!task || (ret < 0 && ret > -4096))
		return 0;
	record_alloc(tgid, task->gen, (__u64)ret, call.len, FG_WEIGHT_ONE, call.user_stack, FG_ALLOC_FUNC_MMAP, 1);
	return 0;
}

/* ---- sampled mode: the shim's markers ---- */

SEC("uprobe")
int BPF_KPROBE(on_sample_alloc, void *ptr, __u64 size, __u32 func, __u64 weight)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct fg_task_info *task = fg_tracked_task(tgid);
	if (!task || !ptr)
		return 0;
	__u64 stack = user_stack(ctx);
	record_alloc(tgid, task->gen, (__u64)ptr, size, weight, stack, func, func == FG_ALLOC_FUNC_MMAP);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(on_sample_free, void *ptr)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (ptr && fg_tracked_task(tgid))
		record_free(tgid, (__u64)ptr, 0);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(on_sample_unmap, void *addr, __u64 len)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (fg_tracked_task(tgid))
		record_unmap(tgid, (__u64)addr, len);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(on_shim_loaded)
{
	if (fg_tracked_task(bpf_get_current_pid_tgid() >> 32))
		count_stat(FG_ALLOC_SHIM_LOADS);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(on_shim_dropped)
{
	if (fg_tracked_task(bpf_get_current_pid_tgid() >> 32))
		count_stat(FG_ALLOC_SHIM_DROPPED);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
