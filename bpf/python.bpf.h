/* CPython frames in the kernel: at each user stack of a process whose
 * interpreter user space located (`py_procs`: where _PyRuntime is and the
 * version's offsets), the thread's frame chain is walked from its thread
 * state and appended to the native frames, one code-object address per
 * frame; each code object's name, file and first line are copied once into
 * `py_codes`, so they are known after the process has exited. The approach
 * of py-spy and of the OpenTelemetry eBPF profiler, without stopping the
 * process. CPython 3.11 to 3.13 (one _PyInterpreterFrame chain per thread)
 * and 3.8 to 3.10 (one PyFrameObject chain, a C call per frame). */
#ifndef FG_PYTHON_BPF_H
#define FG_PYTHON_BPF_H

#include "python.h"
#include "unwind.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tgid */
	__type(value, struct fg_py_proc);
} py_procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct fg_unwind_key);
	__type(value, struct fg_py_file);
} py_files SEC(".maps");

/* tid -> its PyThreadState, checked at each use */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u64);
} py_threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, struct fg_py_code_key);
	__type(value, struct fg_py_code);
} py_codes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fg_py_code);
} py_code_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FG_PY_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} py_stats SEC(".maps");

static __always_inline void fg_py_count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&py_stats, &slot);
	if (v)
		*v += 1;
}

static __always_inline __u64 fg_py_word(__u64 address)
{
	__u64 v = 0;
	if (bpf_probe_read_user(&v, sizeof(v), (const void *)address) != 0)
		return 0;
	return v;
}

/* A str object's text into dst (NUL-terminated); `tail` keeps the end of a
 * longer one (file paths), else its start. */
static __always_inline void fg_py_string(const struct fg_py_offsets *o, __u64 str, char *dst, __u32 size,
					 int tail)
{
	dst[0] = 0;
	if (!str)
		return;
	__u32 state = 0;
	__s64 length = 0;
	if (bpf_probe_read_user(&state, sizeof(state), (const void *)(str + o->unicode_state)) != 0)
		return;
	__u64 data;
	if ((state & (1U << 5)) && (state & (1U << 6))) {
		/* compact ASCII: the characters follow the object */
		data = str + o->unicode_ascii_data;
		length = (__s64)fg_py_word(str + 16);
	} else {
		/* otherwise its UTF-8 copy, when the interpreter made one */
		data = fg_py_word(str + o->unicode_utf8);
		length = (__s64)fg_py_word(str + o->unicode_utf8 - 8);
		if (!data)
			return;
	}
	if (tail && length > (__s64)size - 1)
		data += length - (size - 1);
	bpf_probe_read_user_str(dst, size, (const void *)data);
}

/* The code object's names, copied on first sight of this (address, tag). */
static __always_inline void fg_py_learn_code(const struct fg_py_proc *p, __u32 tgid, __u64 code, __u64 tagged,
					     __u64 qualname, __u64 filename)
{
	struct fg_py_code_key key = { .tgid = tgid, .gen = p->gen, .code = tagged };
	if (bpf_map_lookup_elem(&py_codes, &key))
		return;
	__u32 zero = 0;
	struct fg_py_code *c = bpf_map_lookup_elem(&py_code_scratch, &zero);
	if (!c)
		return;
	const struct fg_py_offsets *o = &p->off;
	fg_py_string(o, qualname, c->name, sizeof(c->name), 0);
	fg_py_string(o, filename, c->file, sizeof(c->file), 1);
	__s32 line = 0;
	bpf_probe_read_user(&line, sizeof(line), (const void *)(code + o->code_firstlineno));
	c->line = line > 0 ? line : 0;
	c->flags = 0;
	if (bpf_map_update_elem(&py_codes, &key, c, BPF_NOEXIST) != 0 && !bpf_map_lookup_elem(&py_codes, &key))
		fg_py_count(FG_PY_CODES_FULL);
}

struct fg_py_thread_search {
	const struct fg_py_offsets *off;
	__u64 next;
	__u64 found;
	__u64 id; /* what the state's thread id holds for the current thread */
};

static long fg_py_thread_step(__u64 index, void *data)
{
	struct fg_py_thread_search *q = data;
	__u64 t = q->next;
	if (!t)
		return 1;
	if (fg_py_word(t + q->off->tstate_native_thread_id) == q->id) {
		q->found = t;
		return 1;
	}
	q->next = fg_py_word(t + q->off->tstate_next);
	return 0;
}

/* The thread state of `tid`, from the cache or the interpreter's list. */
static __always_inline __u64 fg_py_thread_state(const struct fg_py_proc *p, __u32 tid)
{
	const struct fg_py_offsets *o = &p->off;
	__u64 id = tid;
#if defined(__TARGET_ARCH_x86)
	if (o->flags & FG_PY_THREAD_ID_IS_PTHREAD)
		id = BPF_CORE_READ(bpf_get_current_task_btf(), thread.fsbase);
#endif
	__u64 *known = bpf_map_lookup_elem(&py_threads, &tid);
	if (known && *known && fg_py_word(*known + o->tstate_native_thread_id) == id)
		return *known;
	__u64 interp = fg_py_word(p->runtime + o->runtime_interpreters_head);
	if (!interp)
		return 0;
	struct fg_py_thread_search q = { .off = o, .next = fg_py_word(interp + o->interp_threads_head), .id = id };
	bpf_loop(FG_PY_MAX_THREADS, fg_py_thread_step, &q, 0);
	__u64 t = q.found;
	/* the offsets are right only if the state points back at its interpreter */
	if (!t || fg_py_word(t + o->tstate_interp) != interp)
		return 0;
	bpf_map_update_elem(&py_threads, &tid, &t, BPF_ANY);
	return t;
}

struct fg_py_walk {
	const struct fg_py_proc *proc;
	struct fg_stack *out;
	__u64 frame;
	__u32 tgid;
	__u32 count;
	__u32 last; /* index in ips of the last Python frame written */
	__u32 truncated;
};

/* The first bytes of a _PyInterpreterFrame hold every field the walk
 * reads (code, previous, owner, is_entry): one read per frame. */
#define FG_PY_FRAME_HEAD 72

static long fg_py_step(__u64 index, void *data)
{
	struct fg_py_walk *w = data;
	if (!w->frame)
		return 1;
	const struct fg_py_offsets *o = &w->proc->off;
	__u64 head[FG_PY_FRAME_HEAD / 8];
	if (bpf_probe_read_user(head, sizeof(head), (const void *)w->frame) != 0) {
		fg_py_count(FG_PY_READ_FAILED);
		return 1;
	}
	__u32 code_at = o->frame_code / 8, previous_at = o->frame_previous / 8, owner_at = o->frame_owner,
	      entry_at = o->frame_is_entry;
	if (code_at >= FG_PY_FRAME_HEAD / 8 || previous_at >= FG_PY_FRAME_HEAD / 8 || owner_at >= FG_PY_FRAME_HEAD
	    || entry_at >= FG_PY_FRAME_HEAD)
		return 1;
	const __u8 *bytes = (const __u8 *)head;
	int old_frames = o->flags & FG_PY_EVERY_FRAME_ENTERS;
	__u8 owner = old_frames ? 0 : bytes[owner_at];
	w->frame = head[previous_at];
	if (owner == FG_PY_OWNED_BY_CSTACK && o->frame_is_entry == 0) {
		/* 3.12+: the shim below a C call's first frame */
		if (w->count > 0 && w->last < FG_MAX_STACK_DEPTH)
			w->out->ips[w->last] |= FG_PY_FRAME_ENTRY;
		return 0;
	}
	__u64 code = head[code_at];
	if (!code)
		return 0;
	__u32 d = w->out->depth;
	if (d >= FG_MAX_STACK_DEPTH) {
		w->truncated = 1;
		return 1;
	}
	__u8 entry = old_frames ? 1 : o->frame_is_entry ? bytes[entry_at] : 0;
	/* A code object freed and another allocated at its address (start-up
	 * code, exec'd strings) must not share a name: the frame carries a tag
	 * of its name objects' addresses in the pointer's unused top bits.
	 * co_filename, co_name and co_qualname follow one another (3.11-3.13). */
	__u64 qualname, filename;
	if (o->code_qualname == o->code_filename + 16) {
		__u64 names[3] = {};
		bpf_probe_read_user(names, sizeof(names), (const void *)(code + o->code_filename));
		filename = names[0];
		qualname = names[2];
	} else {
		qualname = fg_py_word(code + o->code_qualname);
		filename = fg_py_word(code + o->code_filename);
	}
	__u64 mix = qualname ^ (filename << 7) ^ (filename >> 17) ^ (qualname >> 29);
	__u64 tagged = (code & FG_PY_CODE_MASK) | ((mix ^ (mix >> 16) ^ (mix >> 32)) & 0xffff) << 48;
	w->out->ips[d] = tagged | (entry ? FG_PY_FRAME_ENTRY : 0);
	w->out->depth = d + 1;
	w->last = d;
	w->count++;
	fg_py_learn_code(w->proc, w->tgid, code, tagged, qualname, filename);
	return 0;
}

/* A mapping the unwinder just learned: when it is of an interpreter's file
 * and the process's interpreter is not located yet, locate it. */
static __always_inline void fg_python_mapped(__u32 tgid, __u32 gen, __u64 start, __u64 base,
					     const struct fg_unwind_key *key)
{
	struct fg_py_file *f = bpf_map_lookup_elem(&py_files, key);
	if (!f)
		return;
	struct fg_py_proc *known = bpf_map_lookup_elem(&py_procs, &tgid);
	if (known && known->gen == gen)
		return;
	struct fg_py_proc p = { .runtime = start - base + f->delta, .gen = gen, .version = f->version, .off = f->off };
	bpf_map_update_elem(&py_procs, &tgid, &p, BPF_ANY);
}

/* Appends the current thread's Python frames (innermost first) to s, after
 * its native frames; their number goes to s->flags. A global function: the
 * verifier checks it once per program, not at each of its call sites. */
__attribute__((noinline)) int fg_python_stack(struct fg_stack *s, __u32 gen)
{
	if (!s)
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct fg_py_proc *p = bpf_map_lookup_elem(&py_procs, &tgid);
	if (!p || p->gen != gen)
		return 0;
	fg_py_count(FG_PY_STACKS);
	__u64 tstate = fg_py_thread_state(p, tid);
	if (!tstate) {
		fg_py_count(FG_PY_NO_THREAD);
		return 0;
	}
	const struct fg_py_offsets *o = &p->off;
	__u64 frame;
	if (o->tstate_cframe) {
		__u64 cframe = fg_py_word(tstate + o->tstate_cframe);
		frame = cframe ? fg_py_word(cframe + o->cframe_current_frame) : 0;
	} else {
		frame = fg_py_word(tstate + o->tstate_current_frame);
	}
	if (!frame)
		return 0;
	struct fg_py_walk w = { .proc = p, .out = s, .frame = frame, .tgid = tgid };
	bpf_loop(FG_PY_MAX_FRAMES, fg_py_step, &w, 0);
	if (w.frame && !w.truncated)
		w.truncated = 1; /* more frames than FG_PY_MAX_FRAMES */
	if (w.truncated)
		fg_py_count(FG_PY_TRUNCATED);
	if (w.count) {
		/* the outermost frame began the thread's first C call */
		if (w.last < FG_MAX_STACK_DEPTH)
			s->ips[w.last] |= FG_PY_FRAME_ENTRY;
		fg_py_count(FG_PY_WALKED);
		s->flags |= (w.count << FG_STACK_PY_SHIFT) & FG_STACK_PY_MASK;
	}
	return 0;
}

#endif
