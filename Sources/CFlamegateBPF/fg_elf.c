#include "fg_elf.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static int strings_add(struct fg_elf_info *info, size_t *cap, const char *s, uint32_t *off)
{
	size_t n = strlen(s) + 1;
	if (info->strings_len + n > *cap) {
		size_t c = *cap ? *cap : 1 << 16;
		while (c < info->strings_len + n)
			c *= 2;
		char *p = realloc(info->strings, c);
		if (!p)
			return -ENOMEM;
		info->strings = p;
		*cap = c;
	}
	memcpy(info->strings + info->strings_len, s, n);
	*off = (uint32_t)info->strings_len;
	info->strings_len += n;
	return 0;
}

/* Appends the defined function symbols of one symbol table section. */
static int read_symbols(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, uint32_t flags,
			struct fg_elf_info *info, size_t *sym_cap, size_t *str_cap)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data || sh->sh_entsize == 0)
		return 0;
	size_t n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		int type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_value == 0)
			continue;
		const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		if (info->nsymbols == *sym_cap) {
			size_t c = *sym_cap ? *sym_cap * 2 : 1024;
			struct fg_elf_symbol *p = realloc(info->symbols, c * sizeof(*p));
			if (!p)
				return -ENOMEM;
			info->symbols = p;
			*sym_cap = c;
		}
		struct fg_elf_symbol *s = &info->symbols[info->nsymbols];
		s->addr = sym.st_value;
		s->size = sym.st_size;
		s->flags = flags | (GELF_ST_BIND(sym.st_info) == STB_WEAK ? FG_SYM_WEAK : 0);
		int err = strings_add(info, str_cap, name, &s->name);
		if (err)
			return err;
		info->nsymbols++;
	}
	return 0;
}

/* NT_GNU_BUILD_ID from any SHT_NOTE section. */
static void read_build_id(Elf_Scn *scn, struct fg_elf_info *info)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data)
		return;
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp((char *)data->d_buf + name_off, "GNU", 4) == 0 &&
		    nh.n_descsz <= sizeof(info->build_id)) {
			memcpy(info->build_id, (char *)data->d_buf + desc_off, nh.n_descsz);
			info->build_id_len = nh.n_descsz;
			return;
		}
	}
}

static int read_elf(Elf *elf, int want_symbols, struct fg_elf_info **out)
{
	int err = 0;
	size_t sym_cap = 0, str_cap = 0, shstrndx;
	Elf_Scn *symtab = NULL, *dynsym = NULL;
	GElf_Shdr symtab_sh, dynsym_sh;
	struct fg_elf_info *info = calloc(1, sizeof(*info));
	if (!info)
		return -ENOMEM;
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto cleanup;
	}
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh) || elf_getshdrstrndx(elf, &shstrndx) != 0) {
		err = -ENOEXEC;
		goto cleanup;
	}
	info->type = eh.e_type;
	info->machine = eh.e_machine;

	size_t nphdr = 0;
	if (elf_getphdrnum(elf, &nphdr) == 0 && nphdr > 0) {
		info->segments = calloc(nphdr, sizeof(*info->segments));
		if (!info->segments) {
			err = -ENOMEM;
			goto cleanup;
		}
		for (size_t i = 0; i < nphdr; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			struct fg_elf_segment *s = &info->segments[info->nsegments++];
			s->vaddr = ph.p_vaddr;
			s->memsz = ph.p_memsz;
			s->offset = ph.p_offset;
			s->filesz = ph.p_filesz;
			s->flags = ph.p_flags;
		}
	}

	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_NOTE && info->build_id_len == 0)
			read_build_id(scn, info);
		else if (sh.sh_type == SHT_SYMTAB) {
			symtab = scn;
			symtab_sh = sh;
		} else if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsym_sh = sh;
		} else if (name && strcmp(name, ".gnu_debuglink") == 0) {
			Elf_Data *d = elf_getdata(scn, NULL);
			if (d && d->d_size > 0) {
				size_t n = strnlen(d->d_buf, d->d_size);
				if (n >= sizeof(info->debuglink))
					n = sizeof(info->debuglink) - 1;
				memcpy(info->debuglink, d->d_buf, n);
				info->debuglink[n] = 0;
			}
		} else if (name && strcmp(name, ".debug_info") == 0 && sh.sh_type != SHT_NOBITS) {
			info->has_debug_info = 1;
		}
	}
	/* a stripped symtab in a debug-less file can still be SHT_NOBITS */
	info->has_symtab = symtab != NULL && symtab_sh.sh_type == SHT_SYMTAB && symtab_sh.sh_size > 0;
	if (want_symbols) {
		if (info->has_symtab)
			err = read_symbols(elf, symtab, &symtab_sh, 0, info, &sym_cap, &str_cap);
		/* .dynsym adds exported names .symtab may lack (and is all a stripped file has) */
		if (!err && dynsym)
			err = read_symbols(elf, dynsym, &dynsym_sh, FG_SYM_DYNAMIC, info, &sym_cap, &str_cap);
	}
cleanup:
	if (elf)
		elf_end(elf);
	if (err) {
		fg_elf_free(info);
		return err;
	}
	*out = info;
	return 0;
}

int fg_elf_read(int fd, int want_symbols, struct fg_elf_info **out)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	return read_elf(elf_begin(fd, ELF_C_READ_MMAP, NULL), want_symbols, out);
}

int fg_elf_read_memory(const void *image, size_t size, int want_symbols, struct fg_elf_info **out)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	/* libelf does not write through the pointer with ELF_C_READ */
	return read_elf(elf_memory((char *)image, size), want_symbols, out);
}

int fg_vdso_image(const void **image, size_t *size)
{
	const unsigned char *base = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
	if (!base)
		return -ENOENT;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64)
		return -ENOEXEC;
	/* the section header table closes the image */
	*image = base;
	*size = (size_t)eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	return 0;
}

void fg_elf_free(struct fg_elf_info *info)
{
	if (!info)
		return;
	free(info->segments);
	free(info->symbols);
	free(info->strings);
	free(info);
}

/* A defined data symbol of .dynsym or .symtab by name: its link-time address
 * and up to `n` bytes of its initial value from the file (zeros for .bss). */
int fg_elf_data_symbol(int fd, const char *wanted, uint64_t *addr, uint8_t *bytes, size_t n)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return -EINVAL;
	int found = -ENOENT;
	Elf_Scn *scn = NULL;
	GElf_Sym hit;
	while (found != 0 && (scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB) ||
		    sh.sh_entsize == 0)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		size_t count = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_OBJECT ||
			    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
				continue;
			const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name && strcmp(name, wanted) == 0) {
				hit = sym;
				found = 0;
				break;
			}
		}
	}
	if (found == 0) {
		*addr = hit.st_value;
		memset(bytes, 0, n);
		Elf_Scn *home = elf_getscn(elf, hit.st_shndx);
		GElf_Shdr sh;
		if (home && gelf_getshdr(home, &sh) && sh.sh_type != SHT_NOBITS && hit.st_value >= sh.sh_addr) {
			Elf_Data *data = elf_getdata(home, NULL);
			uint64_t at = hit.st_value - sh.sh_addr;
			if (data && data->d_buf && at < data->d_size) {
				size_t len = data->d_size - at < n ? data->d_size - at : n;
				memcpy(bytes, (const uint8_t *)data->d_buf + at, len);
			}
		}
	}
	elf_end(elf);
	return found;
}
