/* flamegate's allocation sampling shim: the sampled mode of the alloc probe.
 *
 * A uprobe traps into the kernel on every call of the function it sits on, so
 * sampling inside a BPF program on malloc saves nothing. This library is
 * preloaded into the target instead (LD_PRELOAD) and wraps the C allocation
 * functions; it decides in user space, by bytes, which allocations to sample
 * (tcmalloc's and jemalloc's heap-profiler scheme: a per-thread countdown
 * drawn from an exponential distribution with mean `sample_every` bytes, so
 * every byte is sampled with the same probability and an allocation of s
 * bytes with p = 1 - exp(-s / sample_every); allocations of at least
 * sample_every bytes are always sampled). Only sampled allocations, the frees
 * of sampled blocks and anonymous mmaps reach the empty marker functions
 * below, where the probe's uprobes take the stack: the cost of tracing is
 * proportional to the sampled events. Each sample carries its weight 1/p
 * (fixed point, FG_WEIGHT_ONE) so totals are scaled without bias.
 *
 * Built by the Makefile (not SwiftPM) into .output/libflamegate-alloc.so and
 * embedded in flamegate; see AllocPreload.swift. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/types.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../../bpf/alloc.h"

#define EXPORT __attribute__((visibility("default")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define TLS __thread __attribute__((tls_model("initial-exec")))

/* ---- the markers: no-ops the alloc probe's uprobes sit on ---- */

void fg_alloc_sample_alloc(void *ptr, size_t size, unsigned func, uint64_t weight);
void fg_alloc_sample_free(void *ptr);
void fg_alloc_sample_unmap(void *addr, size_t len);
void fg_alloc_shim_loaded(uint64_t sample_every);
void fg_alloc_shim_dropped(void);

#if defined(__x86_64__)
/* Each marker starts with a 5-byte nop: the kernel (6.17 and later) turns a
 * uprobe on one into a call to a trampoline instead of a breakpoint trap and
 * a single-step — about 0.6 µs a hit instead of 10 µs on this kind of VM.
 * Older kernels trap as usual. Written in assembly so that the nop is the
 * first instruction whatever the compiler does. */
#define MARKER(name)                                                            \
	__asm__(".text\n.globl " #name "\n.type " #name ",@function\n.p2align 4\n" \
		#name ":\n\t.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n\tret\n"            \
		".size " #name ", .-" #name "\n")
MARKER(fg_alloc_sample_alloc);
MARKER(fg_alloc_sample_free);
MARKER(fg_alloc_sample_unmap);
MARKER(fg_alloc_shim_loaded);
MARKER(fg_alloc_shim_dropped);
#else
/* noipa: never inlined, cloned or folded with another empty function (each
 * marker keeps its own address for its own uprobe) */
#define MARKER(name, ...) \
	__attribute__((noipa, used, visibility("default"))) void name(__VA_ARGS__) { __asm__ volatile("# " #name ::: "memory"); }
MARKER(fg_alloc_sample_alloc, void *ptr, size_t size, unsigned func, uint64_t weight)
MARKER(fg_alloc_sample_free, void *ptr)
MARKER(fg_alloc_sample_unmap, void *addr, size_t len)
MARKER(fg_alloc_shim_loaded, uint64_t sample_every)
MARKER(fg_alloc_shim_dropped, void)
#endif

/* ---- the allocator underneath (the next definition: libc, jemalloc, ...) ---- */

static struct {
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	void (*free)(void *);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
} real;

/* dlsym may allocate: while it runs, allocations come from here (never freed) */
static char boot[64 * 1024] __attribute__((aligned(64)));
static size_t boot_used;
static int resolving;

static void *boot_alloc(size_t size)
{
	size = (size + 63) & ~(size_t)63;
	if (size > sizeof(boot) - boot_used)
		return NULL;
	void *p = boot + boot_used;
	boot_used += size;
	return p;
}

static int is_boot(const void *p)
{
	return (uintptr_t)p - (uintptr_t)boot < sizeof(boot);
}

static void resolve(void)
{
	if (real.free || resolving)
		return;
	resolving = 1;
	real.malloc = dlsym(RTLD_NEXT, "malloc");
	real.calloc = dlsym(RTLD_NEXT, "calloc");
	real.realloc = dlsym(RTLD_NEXT, "realloc");
	real.reallocarray = dlsym(RTLD_NEXT, "reallocarray");
	real.posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real.aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real.memalign = dlsym(RTLD_NEXT, "memalign");
	real.valloc = dlsym(RTLD_NEXT, "valloc");
	real.pvalloc = dlsym(RTLD_NEXT, "pvalloc");
	real.free = dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

/* ---- which blocks are sampled ---- */

/* Sampled blocks by address (open addressing; removal leaves a tombstone), and
 * a counting filter in front of it so that the free of an unsampled block —
 * nearly every free — costs one load from a small array. */
#define TABLE_BITS 16
#define FILTER_BITS 15
#define MAX_PROBE 64
#define TOMBSTONE ((uintptr_t)1)

struct sampled {
	uintptr_t ptr; /* 0 empty, TOMBSTONE removed */
	uint64_t size;
	uint64_t weight;
};

static struct sampled *table;
static uint16_t filter[1 << FILTER_BITS];
static uint64_t sample_every = 512 * 1024;
static int mappings_reported;

static inline uint64_t hash(const void *p)
{
	return ((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ULL;
}

static inline uint16_t *filter_slot(const void *p)
{
	return &filter[hash(p) >> (64 - FILTER_BITS)];
}

static int table_insert(void *p, uint64_t size, uint64_t weight)
{
	if (!table)
		return 0;
	uint64_t start = hash(p) >> (64 - TABLE_BITS);
	for (uint64_t i = 0; i < MAX_PROBE; i++) {
		struct sampled *s = &table[(start + i) & ((1 << TABLE_BITS) - 1)];
		uintptr_t seen = __atomic_load_n(&s->ptr, __ATOMIC_RELAXED);
		if ((seen == 0 || seen == TOMBSTONE) &&
		    __atomic_compare_exchange_n(&s->ptr, &seen, (uintptr_t)p, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			s->size = size;
			s->weight = weight;
			__atomic_fetch_add(filter_slot(p), 1, __ATOMIC_RELEASE);
			return 1;
		}
	}
	return 0;
}

static int table_remove(void *p, struct sampled *out)
{
	uint64_t start = hash(p) >> (64 - TABLE_BITS);
	for (uint64_t i = 0; i < MAX_PROBE; i++) {
		struct sampled *s = &table[(start + i) & ((1 << TABLE_BITS) - 1)];
		uintptr_t seen = __atomic_load_n(&s->ptr, __ATOMIC_ACQUIRE);
		if (seen == 0)
			return 0;
		if (seen == (uintptr_t)p) {
			*out = *s;
			if (!__atomic_compare_exchange_n(&s->ptr, &seen, TOMBSTONE, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
				return 0;
			__atomic_fetch_sub(filter_slot(p), 1, __ATOMIC_RELEASE);
			return 1;
		}
	}
	return 0;
}

/* ---- the per-thread byte countdown ---- */

static TLS int64_t until;    /* bytes left before the next sample */
static TLS uint64_t rng;     /* xorshift64* state; 0 = not started */
static TLS int inside;       /* in the allocator underneath: its mmaps are its own */

static uint64_t next_random(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* An exponential draw with mean sample_every. */
static int64_t draw(void)
{
	double u = (double)((next_random() >> 11) + 1) * 0x1.0p-53; /* (0, 1] */
	return (int64_t)(-log(u) * (double)sample_every) + 1;
}

/* The countdown crossed zero (or this thread starts): sample or not, and the weight. */
static __attribute__((noinline)) uint64_t countdown_expired(size_t size)
{
	if (unlikely(rng == 0)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		rng = ((uint64_t)ts.tv_nsec ^ ((uint64_t)syscall(SYS_gettid) << 32) ^ (uintptr_t)&until) | 1;
		until = draw() - (int64_t)size;
		if (until > 0)
			return 0;
	}
	until = draw();
	double p = -expm1(-(double)size / (double)sample_every);
	return (uint64_t)((double)FG_WEIGHT_ONE / p + 0.5);
}

/* 0: not sampled; else the sample's weight. */
static inline uint64_t sample_weight(size_t size)
{
	if (size >= sample_every)
		return FG_WEIGHT_ONE;
	until -= (int64_t)size;
	if (likely(until > 0))
		return 0;
	return size ? countdown_expired(size) : 0;
}

static __attribute__((noinline)) void report_alloc(void *p, size_t size, unsigned func, uint64_t weight)
{
	if (!table_insert(p, size, weight)) {
		fg_alloc_shim_dropped();
		return;
	}
	fg_alloc_sample_alloc(p, size, func, weight);
}

static inline void maybe_sample(void *p, size_t size, unsigned func)
{
	uint64_t weight;
	if (likely(p != NULL) && unlikely((weight = sample_weight(size)) != 0))
		report_alloc(p, size, func, weight);
}

/* Before the block goes back: once freed, another thread may get its address. */
static inline int release_if_sampled(void *p, struct sampled *was)
{
	if (likely(__atomic_load_n(filter_slot(p), __ATOMIC_ACQUIRE) == 0) || !table_remove(p, was))
		return 0;
	fg_alloc_sample_free(p);
	return 1;
}

/* ---- the wrapped functions ---- */

EXPORT void *malloc(size_t size)
{
	if (unlikely(!real.malloc)) {
		resolve();
		if (!real.malloc)
			return boot_alloc(size);
	}
	inside++;
	void *p = real.malloc(size);
	inside--;
	maybe_sample(p, size, FG_SHIM_MALLOC);
	return p;
}

EXPORT void *calloc(size_t n, size_t size)
{
	if (unlikely(!real.calloc)) {
		resolve();
		if (!real.calloc)
			return n && size > SIZE_MAX / n ? NULL : boot_alloc(n * size); /* boot is zeroed */
	}
	inside++;
	void *p = real.calloc(n, size);
	inside--;
	if (p)
		maybe_sample(p, n * size, FG_SHIM_CALLOC);
	return p;
}

EXPORT void free(void *p)
{
	struct sampled was;
	if (!p || unlikely(is_boot(p)))
		return;
	release_if_sampled(p, &was);
	if (unlikely(!real.free))
		resolve();
	real.free(p);
}

/* realloc and reallocarray: the old block's sample ends, the new block is a
 * new allocation; a failed call keeps the old block (and its sample). */
static void *resize(void *old, size_t size, void *(*call)(void *, size_t, size_t), size_t n, unsigned func)
{
	if (unlikely(is_boot(old))) {
		void *p = malloc(size);
		if (p)
			memcpy(p, old, size < (size_t)(boot + sizeof(boot) - (char *)old) ? size : (size_t)(boot + sizeof(boot) - (char *)old));
		return p;
	}
	struct sampled was;
	int sampled = old && release_if_sampled(old, &was);
	inside++;
	void *p = call(old, n, size / (n ? n : 1));
	inside--;
	if (!p && size) {
		if (sampled && table_insert(old, was.size, was.weight))
			fg_alloc_sample_alloc(old, was.size, func, was.weight);
		return NULL;
	}
	maybe_sample(p, size, func);
	return p;
}

static void *call_realloc(void *old, size_t n, size_t size)
{
	(void)n;
	return real.realloc(old, size);
}

static void *call_reallocarray(void *old, size_t n, size_t size)
{
	if (real.reallocarray)
		return real.reallocarray(old, n, size);
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return real.realloc(old, n * size);
}

EXPORT void *realloc(void *old, size_t size)
{
	if (unlikely(!real.realloc)) {
		resolve();
		if (!real.realloc)
			return boot_alloc(size);
	}
	return resize(old, size, call_realloc, 1, FG_SHIM_REALLOC);
}

EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if (unlikely(!real.realloc))
		resolve();
	return resize(old, n * size, call_reallocarray, n, FG_SHIM_REALLOCARRAY);
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	if (unlikely(!real.posix_memalign))
		resolve();
	inside++;
	int r = real.posix_memalign(out, align, size);
	inside--;
	if (r == 0)
		maybe_sample(*out, size, FG_SHIM_POSIX_MEMALIGN);
	return r;
}

#define ALIGNED(name, func)                                   \
	EXPORT void *name(size_t align, size_t size)          \
	{                                                     \
		if (unlikely(!real.name))                     \
			resolve();                            \
		inside++;                                     \
		void *p = real.name(align, size);             \
		inside--;                                     \
		maybe_sample(p, size, func);                  \
		return p;                                     \
	}
ALIGNED(aligned_alloc, FG_SHIM_ALIGNED_ALLOC)
ALIGNED(memalign, FG_SHIM_MEMALIGN)

#define PAGED(name, func)                                     \
	EXPORT void *name(size_t size)                        \
	{                                                     \
		if (unlikely(!real.name))                     \
			resolve();                            \
		inside++;                                     \
		void *p = real.name(size);                    \
		inside--;                                     \
		maybe_sample(p, size, func);                  \
		return p;                                     \
	}
PAGED(valloc, FG_SHIM_VALLOC)
PAGED(pvalloc, FG_SHIM_PVALLOC)

/* Anonymous mappings the program makes are always reported (mmap is a system
 * call: one more trap costs little); the allocator's own go unreported. The
 * system call is made directly, as libc's wrapper does. */
EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, offset);
	if (p != MAP_FAILED && (flags & MAP_ANONYMOUS) && !inside) {
		__atomic_store_n(&mappings_reported, 1, __ATOMIC_RELAXED);
		fg_alloc_sample_alloc(p, len, FG_ALLOC_FUNC_MMAP, FG_WEIGHT_ONE);
	}
	return p;
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
	__attribute__((alias("mmap")));

EXPORT int munmap(void *addr, size_t len)
{
	if (__atomic_load_n(&mappings_reported, __ATOMIC_RELAXED) && !inside)
		fg_alloc_sample_unmap(addr, len);
	return (int)syscall(SYS_munmap, addr, len);
}

/* ---- start-up ---- */

static void forked_child(void)
{
	rng = 0; /* a new random sequence, not the parent's */
}

__attribute__((constructor(101))) static void start(void)
{
	resolve();
	const char *every = getenv("FLAMEGATE_ALLOC_SAMPLE_EVERY");
	if (every) {
		unsigned long long v = strtoull(every, NULL, 10);
		if (v > 0)
			sample_every = v;
	}
	void *t = (void *)syscall(SYS_mmap, NULL, sizeof(struct sampled) << TABLE_BITS, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	table = t == MAP_FAILED ? NULL : t;
	pthread_atfork(NULL, NULL, forked_child);
	fg_alloc_shim_loaded(sample_every);
}
