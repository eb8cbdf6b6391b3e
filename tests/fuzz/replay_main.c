/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A main() for the harnesses without libFuzzer: runs LLVMFuzzerTestOneInput
 * once on every file named on the command line, and on every file in every
 * directory named.  It lets gcc builds (and the AddressSanitizer unit build)
 * replay the seed corpus and the saved crash inputs as ordinary tests, and
 * gives a debugger a plain program to step through one input.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL, *exact;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "replay: '%s': %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *grown = realloc(data, cap = cap ? cap * 2 : 4096);

			if (!grown) {
				free(data);
				fclose(f);
				fprintf(stderr, "replay: '%s': out of memory\n", path);
				return -1;
			}
			data = grown;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	/* An exact-size copy, so that AddressSanitizer sees reads past the input. */
	exact = malloc(len ? len : 1);
	if (exact && len)
		memcpy(exact, data, len);
	free(data);
	if (!exact) {
		fprintf(stderr, "replay: '%s': out of memory\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 1;
}

/* Files of dir in name order, so that a replay is the same every time. */
static int run_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), ran = 0;
	char path[4096];

	if (n < 0) {
		fprintf(stderr, "replay: '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && !stat(path, &st) && S_ISREG(st.st_mode)) {
			if (run_file(path) < 0)
				ran = -1;
			else if (ran >= 0)
				ran++;
		}
		free(names[i]);
	}
	free(names);
	return ran;
}

int main(int argc, char **argv)
{
	int total = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int n;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: '%s': %s\n", argv[i], strerror(errno));
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
		if (n < 0)
			return 1;
		total += n;
	}
	printf("replay: %d inputs ran without a crash\n", total);
	return 0;
}
