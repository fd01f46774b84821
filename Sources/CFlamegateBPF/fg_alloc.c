#include "fg_alloc.h"
#include "fg_cost_internal.h"
#include "fg_reset_internal.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fg_btf_internal.h"
#include "fg_shared_maps.h"
#include "generated/alloc.skel.h"
#include "generated/alloc_preload.h"

/* entry + return of every function of the largest symbol set, and the markers */
#define MAX_LINKS 128

struct fg_alloc {
	struct fg_alloc_bpf *skel;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
};

int fg_alloc__open(const struct fg_alloc_config *cfg, const struct fg_tracker *tracker, struct fg_alloc **out)
{
	int err;
	struct fg_alloc *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->skel = fg_alloc_bpf__open_opts(fg_open_opts());
	if (!p->skel) {
		err = -errno;
		goto cleanup;
	}
	if (cfg->max_outstanding)
		bpf_map__set_max_entries(p->skel->maps.outstanding, cfg->max_outstanding);
	p->skel->rodata->nr_mmap = __NR_mmap;
	p->skel->rodata->nr_munmap = __NR_munmap;
	if (!cfg->trace_mmap) {
		bpf_program__set_autoload(p->skel->progs.on_sys_enter, false);
		bpf_program__set_autoload(p->skel->progs.on_sys_exit, false);
	}
	err = fg_share_tracker_maps(p->skel->obj, tracker);
	if (err)
		goto cleanup;
	err = fg_alloc_bpf__load(p->skel);
	if (err)
		goto cleanup;
	/* only the tracepoints attach themselves; the uprobes are attached per function */
	err = fg_alloc_bpf__attach(p->skel);
	if (err)
		goto cleanup;
	*out = p;
	return 0;
cleanup:
	fg_alloc__destroy(p);
	return err;
}

/* One uprobe in every process that maps `path`: the BPF side keeps the
 * tracked ones. Every other process that calls the function traps too while
 * it is attached. A uprobe event opened on the target's pid would spare them
 * but does not follow the children it forks: events of the `uprobe` PMU
 * cannot be inherited (each fork re-reads the path pointer in the forking
 * process and fails with EFAULT), and inherited tracefs uprobe events
 * stopped firing in the whole process once its second thread had exited
 * (kernel 6.18). */
static int attach(struct fg_alloc *p, const struct bpf_program *prog, const char *path, uint64_t offset,
		  uint64_t cookie, bool retprobe)
{
	if (p->nlinks >= MAX_LINKS)
		return -E2BIG;
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookie, .retprobe = retprobe);
	struct bpf_link *link = bpf_program__attach_uprobe_opts(prog, -1, path, offset, &opts);
	if (!link)
		return -errno;
	p->links[p->nlinks++] = link;
	return 0;
}

int fg_alloc__attach_function(struct fg_alloc *p, const char *path, uint64_t offset, uint32_t cookie)
{
	if ((cookie >> 8) == FG_LAYOUT_FREE)
		return attach(p, p->skel->progs.on_free, path, offset, cookie, false);
	int err = attach(p, p->skel->progs.on_alloc_enter, path, offset, cookie, false);
	return err ? err : attach(p, p->skel->progs.on_alloc_return, path, offset, cookie, true);
}

int fg_alloc__attach_preload(struct fg_alloc *p, const char *path)
{
	const char *names[] = { "fg_alloc_sample_alloc", "fg_alloc_sample_free", "fg_alloc_sample_unmap",
				"fg_alloc_shim_loaded", "fg_alloc_shim_dropped" };
	const struct bpf_program *progs[] = { p->skel->progs.on_sample_alloc, p->skel->progs.on_sample_free,
					      p->skel->progs.on_sample_unmap, p->skel->progs.on_shim_loaded,
					      p->skel->progs.on_shim_dropped };
	uint64_t offsets[5];
	int err = fg_alloc__resolve(path, names, 5, offsets);
	for (int i = 0; !err && i < 5; i++)
		err = offsets[i] ? attach(p, progs[i], path, offsets[i], 0, false) : -ENOENT;
	return err;
}

int fg_alloc__outstanding_fd(const struct fg_alloc *p) { return bpf_map__fd(p->skel->maps.outstanding); }
int fg_alloc__sites_fd(const struct fg_alloc *p) { return bpf_map__fd(p->skel->maps.sites); }
int fg_alloc__funcs_fd(const struct fg_alloc *p) { return bpf_map__fd(p->skel->maps.funcs); }
int fg_alloc__hists_fd(const struct fg_alloc *p) { return bpf_map__fd(p->skel->maps.hists); }
int fg_alloc__heap_fd(const struct fg_alloc *p) { return bpf_map__fd(p->skel->maps.heap); }
int fg_alloc__stats_fd(const struct fg_alloc *p) { return bpf_map__fd(p->skel->maps.stats); }
uint32_t fg_alloc__max_outstanding(const struct fg_alloc *p) { return bpf_map__max_entries(p->skel->maps.outstanding); }
uint32_t fg_alloc__max_sites(const struct fg_alloc *p) { return bpf_map__max_entries(p->skel->maps.sites); }

/* Each closed uprobe waits for the kernel to unregister it, about 90 ms on a
 * small VM, one after the other (closing them from one thread each was
 * measured: the waits do not overlap): the 20 of libc's exact mode take about
 * 1.7 s. Hence a scenario's repetitions keep them attached (AllocProbe). */
void fg_alloc__detach_uprobes(struct fg_alloc *p)
{
	for (int i = 0; i < p->nlinks; i++)
		bpf_link__destroy(p->links[i]);
	p->nlinks = 0;
}

void fg_alloc__destroy(struct fg_alloc *p)
{
	if (!p)
		return;
	fg_alloc__detach_uprobes(p);
	fg_alloc_bpf__destroy(p->skel);
	free(p);
}

const unsigned char *fg_alloc__preload_image(size_t *size)
{
	*size = fg_alloc_preload_so_len;
	return fg_alloc_preload_so;
}

/* ---- ELF: where the allocator's functions are, what an executable loads ---- */

static Elf *open_elf(const char *path, int *fd)
{
	*fd = -1;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ENOSYS;
		return NULL;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return NULL;
	Elf *elf = elf_begin(*fd, ELF_C_READ, NULL);
	if (elf && elf_kind(elf) != ELF_K_ELF) {
		elf_end(elf);
		elf = NULL;
	}
	if (!elf)
		close(*fd);
	return elf;
}

/* The file offset of a link-time address, through the PT_LOAD segments. */
static uint64_t file_offset(Elf *elf, uint64_t vaddr)
{
	size_t n;
	if (elf_getphdrnum(elf, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr &&
		    vaddr < ph.p_vaddr + ph.p_memsz)
			return vaddr - ph.p_vaddr + ph.p_offset;
	}
	return 0;
}

int fg_alloc__resolve(const char *path, const char *const *names, size_t count, uint64_t *offsets)
{
	int fd;
	Elf *elf = open_elf(path, &fd);
	if (!elf)
		return fd < 0 ? -errno : -ENOEXEC;
	memset(offsets, 0, count * sizeof(*offsets));
	for (int pass = 0; pass < 2; pass++) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != (pass == 0 ? SHT_SYMTAB : SHT_DYNSYM) ||
			    sh.sh_entsize == 0)
				continue;
			Elf_Data *data = elf_getdata(scn, NULL);
			for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
				GElf_Sym sym;
				if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
				    sym.st_shndx == SHN_UNDEF || sym.st_value == 0)
					continue;
				const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
				for (size_t k = 0; name && k < count; k++) {
					if (!offsets[k] && strcmp(name, names[k]) == 0)
						offsets[k] = file_offset(elf, sym.st_value);
				}
			}
		}
	}
	elf_end(elf);
	close(fd);
	return 0;
}

static void append_line(char *buf, size_t cap, const char *s)
{
	size_t used = strlen(buf);
	if (used + strlen(s) + 2 > cap)
		return;
	if (used)
		buf[used++] = '\n';
	strcpy(buf + used, s);
}

int fg_alloc__dynamic_info(const char *path, int *dynamic, char *needed, size_t needed_cap, char *runpath,
			   size_t runpath_cap)
{
	int fd;
	size_t n;
	Elf *elf = open_elf(path, &fd);
	if (!elf)
		return fd < 0 ? -errno : -ENOEXEC;
	*dynamic = 0;
	needed[0] = 0;
	runpath[0] = 0;
	if (elf_getphdrnum(elf, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP)
				*dynamic = 1;
		}
	}
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || sh.sh_entsize == 0)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Dyn dyn;
			if (!gelf_getdyn(data, (int)i, &dyn))
				continue;
			const char *s = NULL;
			if (dyn.d_tag == DT_NEEDED || dyn.d_tag == DT_RUNPATH || dyn.d_tag == DT_RPATH)
				s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (s && dyn.d_tag == DT_NEEDED)
				append_line(needed, needed_cap, s);
			else if (s)
				append_line(runpath, runpath_cap, s);
		}
	}
	elf_end(elf);
	close(fd);
	return 0;
}

int fg_alloc__cost(const struct fg_alloc *p, struct fg_prog_cost *out)
{
	return fg_object_cost(p->skel->obj, out);
}

int fg_alloc__reset(struct fg_alloc *p)
{
	return fg_object_reset(p->skel->obj, NULL, 0);
}
