/* Open options every skeleton is opened with (kernel BTF override). */
#ifndef FG_BTF_INTERNAL_H
#define FG_BTF_INTERNAL_H
#include <bpf/libbpf.h>

const struct bpf_object_open_opts *fg_open_opts(void);

#endif
