#ifndef FG_COST_INTERNAL_H
#define FG_COST_INTERNAL_H
#include "fg_cost.h"

struct bpf_object;
/* Sums the run-time statistics of every loaded program of `obj`. */
int fg_object_cost(const struct bpf_object *obj, struct fg_prog_cost *out);

#endif
