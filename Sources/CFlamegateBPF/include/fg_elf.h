#ifndef FG_ELF_H
#define FG_ELF_H
#include <stddef.h>
#include <stdint.h>

/* What symbolization needs from one ELF file, read with libelf. */
struct fg_elf_symbol {
	uint64_t addr; /* st_value: link-time virtual address */
	uint64_t size;
	uint32_t name; /* offset into fg_elf_info.strings */
	uint32_t flags; /* FG_SYM_* */
};

enum { FG_SYM_DYNAMIC = 1 /* from .dynsym */, FG_SYM_WEAK = 2 };

struct fg_elf_segment {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags; /* PF_X etc. */
};

struct fg_elf_info {
	uint16_t type;     /* ET_EXEC, ET_DYN, ... */
	uint16_t machine;
	uint8_t build_id[64];
	uint32_t build_id_len;
	int has_symtab;    /* a full .symtab was present */
	int has_debug_info;
	char debuglink[256]; /* .gnu_debuglink file name, "" when absent */
	struct fg_elf_segment *segments;
	size_t nsegments;
	struct fg_elf_symbol *symbols; /* functions of .symtab, else .dynsym; unsorted */
	size_t nsymbols;
	char *strings;
	size_t strings_len;
};

/* Reads headers, build-id, debuglink and function symbols from an open file. */
int fg_elf_read(int fd, int want_symbols, struct fg_elf_info **out);
/* Same, from an ELF image in memory (the vDSO). */
int fg_elf_read_memory(const void *image, size_t size, int want_symbols, struct fg_elf_info **out);
/* This process's vDSO image: the same code every process of this kernel maps. */
int fg_vdso_image(const void **image, size_t *size);
void fg_elf_free(struct fg_elf_info *info);
/* A data symbol (STT_OBJECT) by name: its link-time address and the first
 * `n` bytes of its initial value in the file; -ENOENT when absent. */
int fg_elf_data_symbol(int fd, const char *name, uint64_t *addr, uint8_t *bytes, size_t n);

#endif
