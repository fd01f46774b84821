#include "fg_btf.h"

#include <stdlib.h>
#include <string.h>

#include "fg_btf_internal.h"

static char *btf_path;
static struct bpf_object_open_opts opts = { .sz = sizeof(struct bpf_object_open_opts) };

void fg_set_btf_path(const char *path)
{
	free(btf_path);
	btf_path = path ? strdup(path) : NULL;
	opts.btf_custom_path = btf_path;
}

const struct bpf_object_open_opts *fg_open_opts(void)
{
	return &opts;
}
