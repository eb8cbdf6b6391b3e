/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/direct_map.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "kernel/kernel_offsets.h"

void nwt_direct_map_choose(struct nwt_direct_map *dm, const struct nwt_direct_map_inputs *in)
{
	unsigned long long vmemmap_span;

	memset(dm, 0, sizeof(*dm));
	dm->source = NWT_DM_UNAVAILABLE;
	if (strcmp(in->machine, "x86_64")) {
		snprintf(dm->reason, sizeof(dm->reason),
			 "struct page -> address is only known for x86_64 (this is %s)", in->machine);
		return;
	}
	if (in->sizeof_page <= 0) {
		snprintf(dm->reason, sizeof(dm->reason), "sizeof(struct page) not in kernel BTF");
		return;
	}
	if (in->page_offset_base_sym && in->vmemmap_base_sym) {
		dm->source = NWT_DM_KALLSYMS;
		dm->page_offset_base_sym = in->page_offset_base_sym;
		dm->vmemmap_base_sym = in->vmemmap_base_sym;
		return;
	}
	if (in->randomize_memory == 0 && !in->la57) {
		dm->source = NWT_DM_DEFAULTS;
		dm->page_offset_base = NWT_DM_DEFAULT_PAGE_OFFSET_BASE;
		dm->vmemmap_base = NWT_DM_DEFAULT_VMEMMAP_BASE;
		return;
	}
	/*
	 * Randomised (or unknown) and not listed.  vmemmap_base is 1 GiB
	 * aligned, so when every struct page fits in the first GiB of the
	 * vmemmap it is a page pointer rounded down; page_offset_base is
	 * found at start by looking for a known page below a kernel object.
	 */
	if (!in->ram_end) {
		snprintf(dm->reason, sizeof(dm->reason),
			 "page_offset_base/vmemmap_base not in /proc/kallsyms (CONFIG_KALLSYMS_ALL unset) and /proc/iomem unreadable");
		return;
	}
	vmemmap_span = in->ram_end / 4096 * (unsigned long long)in->sizeof_page;
	if (vmemmap_span > NWT_DM_REGION_ALIGN) {
		snprintf(dm->reason, sizeof(dm->reason),
			 "page_offset_base/vmemmap_base not in /proc/kallsyms and RAM ends at %llu GiB: too large to derive them",
			 in->ram_end >> 30);
		return;
	}
	dm->source = NWT_DM_CALIBRATE;
	dm->max_gib = (unsigned int)((in->ram_end + NWT_DM_REGION_ALIGN - 1) >> 30);
}

static void read_kallsyms(struct nwt_direct_map_inputs *in)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256], name[128], type;
	unsigned long long addr;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %127s", &addr, &type, name) == 3 && addr) {
			if (!strcmp(name, "page_offset_base"))
				in->page_offset_base_sym = addr;
			else if (!strcmp(name, "vmemmap_base"))
				in->vmemmap_base_sym = addr;
		}
	fclose(f);
}

static int read_randomize_memory(void)
{
	gzFile f = gzopen("/proc/config.gz", "r");
	char line[256];
	int found = 0;

	if (!f)
		return -1;
	while (gzgets(f, line, sizeof(line)))
		if (!strncmp(line, "CONFIG_RANDOMIZE_MEMORY=y", 25))
			found = 1;
	gzclose(f);
	return found;
}

static bool cpu_has_la57(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool la57 = false;

	if (!f)
		return false;
	while (!la57 && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5))
			la57 = strstr(line, " la57") != NULL;
	fclose(f);
	return la57;
}

/* Root sees physical addresses in /proc/iomem; others see zeros. */
static unsigned long long read_ram_end(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	unsigned long long start, end, top = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (line[0] != ' ' && strstr(line, ": System RAM") &&
		    sscanf(line, "%llx-%llx", &start, &end) == 2 && end + 1 > top)
			top = end + 1;
	fclose(f);
	return top > 1 ? top : 0;
}

void nwt_direct_map_read_inputs(struct nwt_direct_map_inputs *in, long sizeof_page)
{
	struct utsname uts;

	memset(in, 0, sizeof(*in));
	uname(&uts);
	snprintf(in->machine, sizeof(in->machine), "%s", uts.machine);
	read_kallsyms(in);
	in->randomize_memory = read_randomize_memory();
	in->la57 = cpu_has_la57();
	in->ram_end = read_ram_end();
	in->sizeof_page = sizeof_page;
}

const char *nwt_direct_map_describe(const struct nwt_direct_map *dm, char *buf, size_t len)
{
	switch (dm->source) {
	case NWT_DM_KALLSYMS:
		snprintf(buf, len, "page_offset_base/vmemmap_base read at their /proc/kallsyms addresses");
		break;
	case NWT_DM_DEFAULTS:
		snprintf(buf, len, "x86-64 default page_offset_base/vmemmap_base (memory not randomised)");
		break;
	case NWT_DM_CALIBRATE:
		snprintf(buf, len,
			 "randomised bases not in /proc/kallsyms: page_offset_base found at start (up to %u GiB below a kernel object), vmemmap_base by 1 GiB alignment",
			 dm->max_gib);
		break;
	case NWT_DM_CALIBRATED:
		snprintf(buf, len, "page_offset_base 0x%llx found at start, vmemmap_base by 1 GiB alignment",
			 dm->page_offset_base);
		break;
	default:
		snprintf(buf, len, "linear area only: %s", dm->reason);
	}
	return buf;
}

int nwt_direct_map_cflags(const struct nwt_direct_map *dm, struct nwt_cflags *cf)
{
	int err = 0;

	switch (dm->source) {
	case NWT_DM_KALLSYMS:
		err = err ?: nwt_cflags_add(cf, "-DNWT_DM_POB_ADDR=0x%llxULL", dm->page_offset_base_sym);
		err = err ?: nwt_cflags_add(cf, "-DNWT_DM_VMB_ADDR=0x%llxULL", dm->vmemmap_base_sym);
		break;
	case NWT_DM_DEFAULTS:
		err = err ?: nwt_cflags_add(cf, "-DNWT_DM_POB=0x%llxULL", dm->page_offset_base);
		err = err ?: nwt_cflags_add(cf, "-DNWT_DM_VMB=0x%llxULL", dm->vmemmap_base);
		break;
	case NWT_DM_CALIBRATED:
		err = err ?: nwt_cflags_add(cf, "-DNWT_DM_POB=0x%llxULL", dm->page_offset_base);
		err = err ?: nwt_cflags_add(cf, "-DNWT_DM_VMB_ALIGN=0x%llxULL", NWT_DM_REGION_ALIGN);
		break;
	default:
		return 0;
	}
	return err ?: nwt_cflags_add(cf, "-DNWT_PKT_FRAGS");
}

int nwt_dm_magic_pfn(const struct nwt_dm_magic *m, unsigned long long *pfn)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t entry = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, &entry, sizeof(entry), (off_t)((uintptr_t)m->page / 4096 * sizeof(entry)));
	close(fd);
	/* bit 63: present; bits 0-54: the frame, zero without CAP_SYS_ADMIN */
	if (n != sizeof(entry) || !(entry >> 63) || !(entry & ((1ULL << 55) - 1)))
		return -EPERM;
	*pfn = entry & ((1ULL << 55) - 1);
	return 0;
}

int nwt_dm_magic_create(struct nwt_dm_magic *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->page == MAP_FAILED) {
		m->page = NULL;
		return -errno;
	}
	if (getrandom(m->bytes, sizeof(m->bytes), 0) != sizeof(m->bytes)) {
		nwt_dm_magic_free(m);
		return -EIO;
	}
	memcpy(m->page, m->bytes, sizeof(m->bytes));
	if (mlock(m->page, 4096)) {
		err = -errno;
		nwt_dm_magic_free(m);
		return err;
	}
	err = nwt_dm_magic_pfn(m, &m->pfn);
	if (err)
		nwt_dm_magic_free(m);
	return err;
}

void nwt_dm_magic_free(struct nwt_dm_magic *m)
{
	if (m->page)
		munmap(m->page, 4096);
	m->page = NULL;
}
