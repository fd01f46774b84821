#ifndef FG_RESET_INTERNAL_H
#define FG_RESET_INTERNAL_H
#include <stddef.h>

struct bpf_object;
/* Between two runs of one recording session: empties every data map of `obj`
 * (hash maps lose their entries, arrays are zeroed) except its settings
 * (.rodata), ring buffers, the tracker's shared maps and the maps named in
 * `keep`, so a run starts from nothing while the programs stay attached. */
int fg_object_reset(const struct bpf_object *obj, const char *const *keep, size_t nkeep);

#endif
