#include "fg_cost.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>

#include "fg_cost_internal.h"

int fg_cost__enable(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	return fd < 0 ? -errno : fd;
}

int fg_object_cost(const struct bpf_object *obj, struct fg_prog_cost *out)
{
	struct bpf_program *prog;
	memset(out, 0, sizeof(*out));
	if (!obj)
		return -EINVAL;
	bpf_object__for_each_program(prog, obj) {
		int fd = bpf_program__fd(prog);
		if (fd < 0)
			continue; /* not loaded (autoload off) */
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
			return -errno;
		out->run_ns += info.run_time_ns;
		out->run_cnt += info.run_cnt;
		out->programs++;
	}
	return 0;
}
