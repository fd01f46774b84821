#include "fg_btf.h"

#include <bpf/btf.h>
#include <stdio.h>
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

int fg_kernel_has_tracepoint(const char *event)
{
	char type[256];
	snprintf(type, sizeof(type), "btf_trace_%s", event);
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int found = vmlinux && btf__find_by_name_kind(vmlinux, type, BTF_KIND_TYPEDEF) > 0;
	btf__free(vmlinux);
	return found;
}
