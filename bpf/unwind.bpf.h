/* The user-stack unwinder every stack-recording program shares: walks the
 * current task's user stack from its saved registers with the per-file
 * .eh_frame tables user space loads into `unwind_rows` (the approach of the
 * OpenTelemetry eBPF profiler), and with frame pointers where no table covers
 * the code (JIT code, a file whose table is still being built). The mapping
 * of each address comes from the kernel itself (bpf_find_vma), so no
 * per-process list of mappings has to be kept in step with mmap. */
#ifndef FG_UNWIND_BPF_H
#define FG_UNWIND_BPF_H

#include <bpf/bpf_core_read.h>
#include "unwind.h"
#include "python.bpf.h"

#ifndef FG_UNWIND_ROWS
#define FG_UNWIND_ROWS (1 << 21)
#endif

/* Rows of every loaded table; user space writes them through mmap. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FG_UNWIND_ROWS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct fg_unwind_row);
} unwind_rows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct fg_unwind_key);
	__type(value, struct fg_unwind_table);
} unwind_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} unwind_requests SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FG_UNWIND_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} unwind_stats SEC(".maps");

static __always_inline void fg_unwind_count(__u32 slot, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&unwind_stats, &slot);
	if (v)
		*v += n;
}

/* Kernels before 6.11 keep the change time in a timespec64. */
struct inode___ctime_6_6 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));
struct inode___ctime_old {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

static __always_inline void fg_inode_ctime(struct inode *inode, struct fg_unwind_key *key)
{
	if (bpf_core_field_exists(inode->i_ctime_sec)) {
		key->ctime_sec = BPF_CORE_READ(inode, i_ctime_sec);
		key->ctime_nsec = BPF_CORE_READ(inode, i_ctime_nsec);
	} else if (bpf_core_field_exists(((struct inode___ctime_6_6 *)inode)->__i_ctime)) {
		struct inode___ctime_6_6 *i = (void *)inode;
		key->ctime_sec = BPF_CORE_READ(i, __i_ctime.tv_sec);
		key->ctime_nsec = BPF_CORE_READ(i, __i_ctime.tv_nsec);
	} else {
		struct inode___ctime_old *i = (void *)inode;
		key->ctime_sec = BPF_CORE_READ(i, i_ctime.tv_sec);
		key->ctime_nsec = BPF_CORE_READ(i, i_ctime.tv_nsec);
	}
	/* multigrain timestamps keep a flag in the top bits */
	key->ctime_nsec &= (1U << 30) - 1;
}

struct fg_unwind_walk {
	__u64 pc, sp, bp;
	/* the mapping of the last address looked up, and its table */
	__u64 vm_start, vm_end, vm_base; /* vm_base: file offset of vm_start */
	struct fg_unwind_key key;
	__u32 first, count;
	__u8 bp_valid;
	__u8 exact;     /* pc is an interrupted instruction, not a return address */
	__u8 pending;   /* a table this stack needed is still being built */
	__u8 leaf_by_table;
	__u8 vma_busy;  /* bpf_find_vma refused (its one use in interrupt context is spent) */
	__u32 gen;      /* the process's exec generation */
	__u32 ended;    /* fg_unwind_stat slot that ended the walk; FG_UNWIND_COMPLETE when the root was reached */
};

/* One executable mapping of a process, as bpf_find_vma reported it. `check`
 * is a hash of the rest: an entry torn by two CPUs learning at once (or by
 * an invalidation racing a lookup) fails it and is ignored. */
struct fg_unwind_mapping {
	__u64 start, end, base; /* base: file offset of start */
	struct fg_unwind_key key;
	__u64 check;
};

#define FG_UNWIND_SPACE_SLOTS 32

/* The mappings a process's stacks ran through, learned by the unwinder: in
 * interrupt context bpf_find_vma works once per program run (its deferred
 * unlock takes the CPU's only irq_work), so a sample learns at most one new
 * mapping and the others come from here. The tracker drops entries a
 * munmap, mremap or MAP_FIXED mmap overlaps, and all of them at exec. */
struct fg_unwind_space {
	__u32 gen;
	__u32 next; /* slot the next learned mapping goes to */
	struct fg_unwind_mapping m[FG_UNWIND_SPACE_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2048);
	__type(key, __u32); /* tgid */
	__type(value, struct fg_unwind_space);
} unwind_spaces SEC(".maps");

/* An all-zero space to create entries from (too large for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fg_unwind_space);
} unwind_empty_space SEC(".maps");

static __always_inline void fg_unwind_clear(struct fg_unwind_space *space)
{
	for (int i = 0; i < FG_UNWIND_SPACE_SLOTS; i++) {
		space->m[i].check = 0;
		space->m[i].start = space->m[i].end = 0;
	}
	space->next = 0;
}

static __always_inline __u64 fg_mapping_check(const struct fg_unwind_mapping *m)
{
	__u64 h = m->start * 0x9e3779b97f4a7c15ULL;
	h ^= m->end + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
	h ^= m->base + 0x85ebca77c2b2ae63ULL + (h << 6) + (h >> 2);
	h ^= m->key.ino + (h << 6) + (h >> 2);
	h ^= ((__u64)m->key.dev << 32 | m->key.ctime_nsec) + (h << 6) + (h >> 2);
	h ^= (__u64)m->key.ctime_sec + (h << 6) + (h >> 2);
	return h | 1; /* 0 marks an empty slot */
}

/* What bpf_find_vma's callback found (on the BPF stack, as it requires). */
struct fg_vma_found {
	struct fg_unwind_mapping m;
	__u64 mapped;
};

static long fg_unwind_vma(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct fg_vma_found *f = data;
	f->m.start = vma->vm_start;
	f->m.end = vma->vm_end;
	f->mapped = 1;
	struct file *file = vma->vm_file;
	if (file) {
		struct inode *inode = BPF_CORE_READ(file, f_inode);
		f->m.key.ino = BPF_CORE_READ(inode, i_ino);
		f->m.key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
		fg_inode_ctime(inode, &f->m.key);
		f->m.base = (__u64)vma->vm_pgoff << 12;
	} else {
#if defined(__TARGET_ARCH_x86)
		if ((__u64)BPF_CORE_READ(task, mm, context.vdso) == f->m.start)
			f->m.key.ino = FG_UNWIND_VDSO_INO;
#endif
	}
	return 0;
}

/* The learned mapping holding `address`, or NULL. */
static __always_inline struct fg_unwind_mapping *fg_learned(struct fg_unwind_space *space, __u64 address)
{
	for (int i = 0; i < FG_UNWIND_SPACE_SLOTS; i++) {
		struct fg_unwind_mapping *m = &space->m[i];
		if (address >= m->start && address < m->end && m->check == fg_mapping_check(m))
			return m;
	}
	return NULL;
}

/* Asks the kernel for the mapping of `address` and remembers it. */
static __always_inline int fg_learn(struct fg_unwind_walk *w, struct fg_unwind_space *space, __u64 address,
				    struct fg_unwind_mapping *out)
{
	if (w->vma_busy)
		return FG_UNWIND_CUT_BUSY;
	struct fg_vma_found f = {};
	long r = bpf_find_vma(bpf_get_current_task_btf(), address, fg_unwind_vma, &f, 0);
	if (r == -EBUSY) {
		w->vma_busy = 1;
		return FG_UNWIND_CUT_BUSY;
	}
	if (r != 0 || !f.mapped)
		return FG_UNWIND_CUT_UNMAPPED;
	f.m.check = fg_mapping_check(&f.m);
	*out = f.m;
	if (space) {
		__u32 slot = space->next % FG_UNWIND_SPACE_SLOTS;
		space->next = slot + 1;
		space->m[slot] = f.m;
	}
	return 0;
}

/* Looks the mapping and table of `address` up (the last one is cached in w). */
static __always_inline int fg_unwind_locate(struct fg_unwind_walk *w, __u64 address)
{
	if (address >= w->vm_start && address < w->vm_end)
		return 0;
	w->vm_start = w->vm_end = 0;
	w->count = 0;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct fg_unwind_space *space = bpf_map_lookup_elem(&unwind_spaces, &tgid);
	if (space && space->gen != w->gen) {
		/* an exec replaced the address space */
		fg_unwind_clear(space);
		space->gen = w->gen;
	}
	struct fg_unwind_mapping m;
	struct fg_unwind_mapping *known = space ? fg_learned(space, address) : NULL;
	if (known) {
		m = *known;
		if (m.check != fg_mapping_check(&m))
			return FG_UNWIND_CUT_BUSY;
	} else {
		if (!space) {
			__u32 zero = 0;
			struct fg_unwind_space *fresh = bpf_map_lookup_elem(&unwind_empty_space, &zero);
			if (fresh && bpf_map_update_elem(&unwind_spaces, &tgid, fresh, BPF_NOEXIST) == 0) {
				space = bpf_map_lookup_elem(&unwind_spaces, &tgid);
				if (space)
					space->gen = w->gen;
			}
		}
		int r = fg_learn(w, space, address, &m);
		if (r)
			return r;
		if (m.key.ino)
			fg_python_mapped(tgid, w->gen, m.start, m.base, &m.key);
	}
	w->vm_start = m.start;
	w->vm_end = m.end;
	w->vm_base = m.base;
	if (m.key.ino == 0)
		return 0; /* anonymous memory (JIT code): frame pointers */
	struct fg_unwind_table *t = bpf_map_lookup_elem(&unwind_files, &m.key);
	if (t) {
		if (t->state == FG_UNWIND_READY) {
			w->first = t->first;
			w->count = t->count;
		} else if (t->state == FG_UNWIND_PENDING) {
			w->pending = 1;
		}
		return 0;
	}
	/* first sight of this file: ask user space for its table, once */
	struct fg_unwind_table asked = { .state = FG_UNWIND_PENDING };
	w->pending = 1;
	if (bpf_map_update_elem(&unwind_files, &m.key, &asked, BPF_NOEXIST) != 0)
		return 0;
	struct fg_unwind_request *req = bpf_ringbuf_reserve(&unwind_requests, sizeof(*req), 0);
	if (!req) {
		bpf_map_delete_elem(&unwind_files, &m.key);
		fg_unwind_count(FG_UNWIND_REQUESTS_LOST, 1);
		return 0;
	}
	req->key = m.key;
	req->vm_start = m.start;
	req->vm_end = m.end;
	req->tgid = tgid;
	req->pad = 0;
	bpf_ringbuf_submit(req, 0);
	return 0;
}

/* Drops the learned mappings of tgid that overlap [start, end). */
static __always_inline void fg_unwind_forget(__u32 tgid, __u64 start, __u64 end)
{
	struct fg_unwind_space *space = bpf_map_lookup_elem(&unwind_spaces, &tgid);
	if (!space)
		return;
	for (int i = 0; i < FG_UNWIND_SPACE_SLOTS; i++) {
		struct fg_unwind_mapping *m = &space->m[i];
		if (m->start < end && start < m->end) {
			m->check = 0;
			m->start = m->end = 0;
		}
	}
}

/* The row covering file offset `rel` in the current table, or NULL. */
static __always_inline struct fg_unwind_row *fg_unwind_row_at(struct fg_unwind_walk *w, __u64 rel)
{
	__u32 lo = w->first, hi = w->first + w->count;
	for (int i = 0; i < 24 && lo + 1 < hi; i++) {
		__u32 mid = lo + (hi - lo) / 2;
		struct fg_unwind_row *row = bpf_map_lookup_elem(&unwind_rows, &mid);
		if (!row)
			return NULL;
		if (row->pc <= rel)
			lo = mid;
		else
			hi = mid;
	}
	struct fg_unwind_row *row = bpf_map_lookup_elem(&unwind_rows, &lo);
	if (!row || row->pc > rel || lo + 1 < hi)
		return NULL;
	return row;
}

static __always_inline int fg_read_word(__u64 address, __u64 *out)
{
	return bpf_probe_read_user(out, sizeof(*out), (const void *)address);
}

/* One frame by frame pointers: rbp points at the saved rbp, the return
 * address above it. */
static __always_inline long fg_unwind_fp(struct fg_unwind_walk *w)
{
	__u64 saved[2];
	if (!w->bp_valid || w->bp == 0 || w->bp < w->sp) {
		/* a zero rbp ends the chain (_start clears it) */
		w->ended = (w->bp_valid && w->bp == 0) ? FG_UNWIND_COMPLETE
			   : (w->pending ? FG_UNWIND_CUT_PENDING : FG_UNWIND_CUT_NO_TABLE);
		return 1;
	}
	if (bpf_probe_read_user(saved, sizeof(saved), (const void *)w->bp) != 0) {
		w->ended = w->pending ? FG_UNWIND_CUT_PENDING : FG_UNWIND_CUT_READ;
		return 1;
	}
	w->sp = w->bp + 16;
	w->bp = saved[0];
	w->pc = saved[1];
	w->exact = 0;
	if (w->pc == 0) {
		w->ended = FG_UNWIND_COMPLETE;
		return 1;
	}
	return 0;
}

/* One frame of a stub in anonymous memory that keeps no frame pointer, such
 * as CPython's perf trampolines (`sub $8,%rsp; call *%rcx; add $8,%rsp;
 * ret`): the code at pc, `add $N,%rsp; ret` or `ret`, says where the return
 * address is. 1 when it matched and stepped, 0 when pc is not such code. */
static __always_inline int fg_unwind_stub(struct fg_unwind_walk *w)
{
	__u8 code[5];
	if (bpf_probe_read_user(code, sizeof(code), (const void *)w->pc) != 0)
		return 0;
	__u64 skip;
	if (code[0] == 0xc3)
		skip = 0;
	else if (code[0] == 0x48 && code[1] == 0x83 && code[2] == 0xc4 && code[4] == 0xc3 && code[3] < 0x80
		 && (code[3] & 7) == 0)
		skip = code[3];
	else
		return 0;
	__u64 ra;
	if (fg_read_word(w->sp + skip, &ra) != 0 || ra == 0)
		return 0;
	w->sp += skip + 8;
	w->pc = ra;
	w->exact = 0;
	return 1;
}

/* bpf_loop's context, on the BPF stack as bpf_loop requires. */
struct fg_unwind_loop {
	struct fg_unwind_walk *walk;
	struct fg_stack *out;
};

/* bpf_loop callback: records the current frame, then steps to its caller. */
static long fg_unwind_step(__u64 index, void *data)
{
	struct fg_unwind_loop *loop = data;
	struct fg_unwind_walk *w = loop->walk;
	struct fg_stack *s = loop->out;
	__u32 d = s->depth;
	if (d >= FG_MAX_STACK_DEPTH) {
		w->ended = FG_UNWIND_CUT_DEPTH;
		return 1;
	}
	s->ips[d] = w->pc;
	s->depth = d + 1;

	__u64 lookup = w->exact ? w->pc : w->pc - 1;
	int r = fg_unwind_locate(w, lookup);
	if (r == FG_UNWIND_CUT_UNMAPPED) {
		/* the leaf itself not mapped: the process is inside execve */
		w->ended = d == 0 ? FG_UNWIND_NOT_STARTED : r;
		return 1;
	}
	if (r == 0 && w->count == 0 && w->pending) {
		/* a frame-pointer guess in code built without them would be a
		 * wrong caller: cut here until the table is loaded */
		w->ended = FG_UNWIND_CUT_PENDING;
		return 1;
	}
	if (r == 0 && w->count == 0 && !w->pending && fg_unwind_stub(w)) {
		if (d == 0)
			w->leaf_by_table = 1;
		return 0;
	}
	if (r != 0 || w->count == 0)
		return fg_unwind_fp(w);
	struct fg_unwind_row *row = fg_unwind_row_at(w, lookup - w->vm_start + w->vm_base);
	if (!row || row->cfa == FG_UNWIND_CFA_NONE)
		return fg_unwind_fp(w);

	__u64 cfa;
	switch (row->cfa) {
	case FG_UNWIND_CFA_RSP:
		cfa = w->sp + row->cfa_offset;
		break;
	case FG_UNWIND_CFA_RBP:
		if (!w->bp_valid) {
			w->ended = FG_UNWIND_CUT_UNSUPPORTED;
			return 1;
		}
		cfa = w->bp + row->cfa_offset;
		break;
	case FG_UNWIND_CFA_PLT:
		cfa = w->sp + 8 + (((w->pc & 15) >= (__u64)row->cfa_offset) ? 8 : 0);
		break;
	case FG_UNWIND_CFA_SIGNAL: {
		/* rt_sigframe: sp points at the ucontext; its sigcontext holds
		 * rbp at +120, rsp at +160, rip at +168 */
		__u64 regs[7];
		if (bpf_probe_read_user(regs, sizeof(regs), (const void *)(w->sp + 120)) != 0) {
			w->ended = FG_UNWIND_CUT_READ;
			return 1;
		}
		w->bp = regs[0];
		w->bp_valid = 1;
		w->sp = regs[5];
		w->pc = regs[6];
		w->exact = 1;
		if (d == 0)
			w->leaf_by_table = 1;
		return 0;
	}
	case FG_UNWIND_CFA_END:
		w->ended = FG_UNWIND_COMPLETE;
		return 1;
	default:
		w->ended = FG_UNWIND_CUT_UNSUPPORTED;
		return 1;
	}
	__u64 ra;
	if (cfa <= w->sp) {
		w->ended = d == 0 ? FG_UNWIND_NOT_STARTED : FG_UNWIND_CUT_READ;
		return 1;
	}
	if (row->rbp == FG_UNWIND_RBP_AT_CFA && row->rbp_offset == -16) {
		/* push %rbp right after the call: both words in one read */
		__u64 pair[2];
		if (bpf_probe_read_user(pair, sizeof(pair), (const void *)(cfa - 16)) != 0) {
			w->ended = d == 0 ? FG_UNWIND_NOT_STARTED : FG_UNWIND_CUT_READ;
			return 1;
		}
		w->bp = pair[0];
		w->bp_valid = 1;
		ra = pair[1];
	} else {
		if (fg_read_word(cfa - 8, &ra) != 0) {
			w->ended = d == 0 ? FG_UNWIND_NOT_STARTED : FG_UNWIND_CUT_READ;
			return 1;
		}
		if (row->rbp == FG_UNWIND_RBP_AT_CFA)
			w->bp_valid = fg_read_word(cfa + row->rbp_offset, &w->bp) == 0;
		else if (row->rbp == FG_UNWIND_RBP_UNDEFINED)
			w->bp_valid = 0;
	}
	w->sp = cfa;
	w->pc = ra;
	w->exact = 0;
	if (d == 0)
		w->leaf_by_table = 1;
	if (ra == 0) {
		w->ended = FG_UNWIND_COMPLETE;
		return 1;
	}
	return 0;
}

/* Unwinds the current task's user stack into s; its leaf frame's method goes
 * to s->flags. Returns the number of frames. */
static __always_inline __u32 fg_unwind_user(struct fg_stack *s, struct fg_unwind_walk *w, __u32 gen)
{
	struct task_struct *task = bpf_get_current_task_btf();
	s->depth = 0;
	s->flags = 0;
#if defined(__TARGET_ARCH_x86)
	if (!task->mm)
		return 0; /* a kernel thread */
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return 0;
	__builtin_memset(w, 0, sizeof(*w));
	w->gen = gen;
	w->pc = regs->ip;
	w->sp = regs->sp;
	w->bp = regs->bp;
	w->bp_valid = 1;
	w->exact = 1;
	if (w->pc == 0)
		return 0;
	struct fg_unwind_loop loop = { .walk = w, .out = s };
	bpf_loop(FG_MAX_STACK_DEPTH + 1, fg_unwind_step, &loop, 0);
	/* the leaf's caller came from a table, not from a frame-pointer guess */
	if (w->leaf_by_table)
		s->flags = FG_STACK_LEAF_BY_TABLE;
	fg_unwind_count(FG_UNWIND_STACKS, 1);
	fg_unwind_count(w->ended ? w->ended : FG_UNWIND_CUT_DEPTH, 1);
	return s->depth;
#else
	return 0;
#endif
}

#endif
