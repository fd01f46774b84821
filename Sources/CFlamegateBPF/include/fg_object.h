/* Any BPF program of bpf/ whose programs libbpf attaches by their section
 * (tp_btf, raw_tp, tracepoints) or that sample on a cpu-clock event of every
 * CPU: opened by its file name from the object embedded in its skeleton, set
 * up, loaded against the tracker's shared maps, attached, read by map name.
 * A probe made of such programs needs no C of its own: its Swift type drives
 * it through these functions. Programs on uprobes in the target's libraries
 * have their own shim (fg_alloc.c), and the Makefile leaves them out of the
 * table this opens from. */
#ifndef FG_OBJECT_SHIM_H
#define FG_OBJECT_SHIM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fg_tracker;
struct fg_prog_cost;
struct fg_object;

/* Opens bpf/<name>.bpf.c's object, not loaded yet; -ENOENT when no such
 * program was built into this table. */
int fg_object__open(const char *name, struct fg_object **out);

/* Before load: sets a `const volatile` global of the program; -ENOENT when it
 * has none of that name, -EINVAL when its size is not `size`. */
int fg_object__set_global(struct fg_object *o, const char *name, const void *value, size_t size);
/* Before load: resizes a map; -ENOENT when there is no such map. */
int fg_object__set_max_entries(struct fg_object *o, const char *map, uint32_t entries);
/* Before load: whether a program is loaded (and then attached) at all. */
int fg_object__set_autoload(struct fg_object *o, const char *program, bool load);

/* Points the object's shared maps at the tracker's and loads it. */
int fg_object__load(struct fg_object *o, const struct fg_tracker *tracker);
/* Attaches every loaded program where its section says. */
int fg_object__attach(struct fg_object *o);

/* After load: attaches `program` (SEC("perf_event")) to a software
 * cpu-clock event sampling at `frequency_hz` on every online CPU. */
int fg_object__attach_cpu_clock(struct fg_object *o, const char *program, uint32_t frequency_hz);
/* Restarts those clocks with `period_ns`: every run's samples at the same
 * phase from the target's start (see fg_object.c). */
int fg_object__restart_cpu_clock(struct fg_object *o, uint64_t period_ns);

/* A map's fd (after load), or -ENOENT. */
int fg_object__map_fd(const struct fg_object *o, const char *map);
/* A map's size, 0 when there is no such map. */
uint32_t fg_object__max_entries(const struct fg_object *o, const char *map);

/* What its programs cost so far (see fg_cost.h). */
int fg_object__cost(const struct fg_object *o, struct fg_prog_cost *out);
/* Empties its maps between two runs, but for the `keep` ones; programs stay attached. */
int fg_object__reset(struct fg_object *o, const char *const *keep, size_t nkeep);
/* Detaches and frees; NULL is fine. */
void fg_object__destroy(struct fg_object *o);

#endif
