/* ABI shared by python.bpf.h and user space: CPython frames, walked in the
 * kernel at each user stack from the interpreter's own structures (no
 * change to the interpreter, no perf map), for CPython 3.8 to 3.13. */
#ifndef FG_PYTHON_H
#define FG_PYTHON_H

/* Python frames per stack, at most; they go after the native frames. */
#define FG_PY_MAX_FRAMES 48
#define FG_PY_NAME_LEN 64
#define FG_PY_FILE_LEN 128
#define FG_PY_MAX_THREADS 64

/* Where the fields the walk reads are, for one CPython version (x86-64). */
struct fg_py_offsets {
	__u16 runtime_interpreters_head; /* _PyRuntimeState.interpreters.head */
	__u16 interp_threads_head;       /* PyInterpreterState.threads.head */
	__u16 tstate_next;
	__u16 tstate_interp;
	__u16 tstate_native_thread_id;  /* native_thread_id; 3.8-3.10: thread_id (see flags) */
	__u16 tstate_cframe;             /* 3.11, 3.12: _PyCFrame *cframe; 0 = none */
	__u16 cframe_current_frame;
	__u16 tstate_current_frame;      /* 3.13+ current_frame, 3.8-3.10 frame; used when tstate_cframe is 0 */
	__u16 frame_code;                /* f_code, f_executable (3.13) */
	__u16 frame_previous;
	__u16 frame_owner;
	__u16 frame_is_entry;            /* 3.11: bool is_entry; 0 = none (3.12+: shim frames) */
	__u16 code_qualname;
	__u16 code_filename;
	__u16 code_firstlineno;
	__u16 unicode_state;             /* PyASCIIObject.state: bit 5 compact, bit 6 ascii */
	__u16 unicode_ascii_data;        /* sizeof(PyASCIIObject) */
	__u16 unicode_utf8;              /* PyCompactUnicodeObject.utf8 */
	__u16 flags;                     /* FG_PY_* below */
	__u16 pad;
};

/* 3.8-3.10: every frame (a PyFrameObject) is run by a C call of its own. */
#define FG_PY_EVERY_FRAME_ENTERS 1
/* 3.8-3.10: the thread state's id is pthread_self(), the thread's fs base,
 * not its kernel tid. */
#define FG_PY_THREAD_ID_IS_PTHREAD 2

/* py_procs value: an interpreter of one process. */
struct fg_py_proc {
	__u64 runtime;  /* address of _PyRuntime in the process */
	__u32 gen;      /* exec generation it was found in */
	__u32 version;  /* PY_VERSION_HEX >> 16, e.g. 0x030c */
	struct fg_py_offsets off;
};

/* py_files value: a file holding an interpreter, keyed like the unwind
 * tables (struct fg_unwind_key). The kernel side locates _PyRuntime in a
 * process the first time it learns a mapping of the file: at
 * mapping start - mapping file offset + delta. */
struct fg_py_file {
	__s64 delta;    /* _PyRuntime's link-time address + (p_offset - p_vaddr) of its executable segment */
	__u32 version;
	__u32 pad;
	struct fg_py_offsets off;
};

/* An owner value of a 3.12+ frame that is the C stack's shim: it marks where
 * one C call of the evaluation loop began. */
#define FG_PY_OWNED_BY_CSTACK 3

/* An encoded Python frame in fg_stack.ips: the code object's address and
 * tag (FG_PY_CODE_MASK), bit 0 set when the frame is the first of a C call of the evaluation loop (the
 * outermost frame a `_PyEval_EvalFrameDefault` native frame runs). */
#define FG_PY_FRAME_ENTRY 1ULL
/* Bits 0..47 of an encoded frame: the code object's address (bit 0 clear);
 * bits 48..63: a tag of its name objects, so a reused address is a new key. */
#define FG_PY_CODE_MASK 0x0000fffffffffffeULL

/* fg_stack.flags bits 8..15: how many of the last ips are Python frames. */
#define FG_STACK_PY_SHIFT 8
#define FG_STACK_PY_MASK 0xff00U

struct fg_py_code_key {
	__u32 tgid;
	__u32 gen;
	__u64 code;
};

struct fg_py_code {
	char name[FG_PY_NAME_LEN]; /* co_qualname */
	char file[FG_PY_FILE_LEN]; /* co_filename, its last bytes when longer */
	__u32 line;                /* co_firstlineno */
	__u32 flags;
};

/* Slots of `py_stats`. */
enum fg_py_stat {
	FG_PY_STACKS = 0,        /* user stacks of processes with an interpreter */
	FG_PY_WALKED = 1,        /* ... with Python frames */
	FG_PY_NO_THREAD = 2,     /* thread without a thread state (not a Python thread, or not yet) */
	FG_PY_READ_FAILED = 3,   /* a structure could not be read */
	FG_PY_TRUNCATED = 4,     /* more frames than fit */
	FG_PY_CODES_FULL = 5,    /* `py_codes` full: frames shown unnamed */
	FG_PY_STAT_MAX = 6,
};

#endif
