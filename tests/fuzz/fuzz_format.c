/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tracepoint format files (/sys/kernel/tracing/events/.../format) as
 * drop_reasons.c reads them: the field list gives the drop tracepoint's
 * argument offsets, which become -D defines of the probes, and the
 * __print_symbolic() list gives the kernel's drop and reset reason names
 * when BTF has none.  The text is whatever the running kernel (or a tracefs
 * mounted from elsewhere) says, in a layout that has changed between
 * releases; the harness reads it as nwt_drop_reasons_init() does, builds
 * the defines, and names reasons with what it found.
 *
 * Input: the skb:kfree_skb format text, optionally a NUL byte and the
 * tcp:tcp_send_reset format text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/bpf_defines.h"
#include "kernel/drop_reasons.h"

static const char *const fields[] = { "skbaddr", "location", "protocol", "reason", "rx_sk",
				      "common_type" };

static void name_reasons(const struct nwt_drop_reasons *dr)
{
	static const uint32_t values[] = { 0, 1, 2, 0x10000, 0x3ffff, UINT32_MAX };
	char buf[NWT_ENUM_NAME_LEN + 24], tiny[4];

	for (size_t i = 0; i < dr->reasons.n; i++) {
		nwt_drop_reason_name(dr, dr->reasons.entries[i].value, buf, sizeof(buf));
		nwt_drop_reason_name(dr, dr->reasons.entries[i].value, tiny, sizeof(tiny));
		if (strlen(dr->reasons.entries[i].name) >= NWT_ENUM_NAME_LEN)
			abort();
	}
	for (size_t i = 0; i < dr->rst_reasons.n; i++)
		nwt_rst_reason_name(dr, dr->rst_reasons.entries[i].value, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		nwt_drop_reason_name(dr, values[i], buf, sizeof(buf));
		nwt_rst_reason_name(dr, values[i], buf, sizeof(buf));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t kfree_len = nul ? (size_t)(nul - data) : size;
	char *kfree = malloc(kfree_len + 1), *reset = NULL;
	struct nwt_drop_reasons dr;
	struct nwt_cflags cf;
	unsigned int offset, field_size;

	if (!kfree)
		return 0;
	/* Exact sizes, NUL-terminated as nwt_read_text_file() leaves them. */
	memcpy(kfree, data, kfree_len);
	kfree[kfree_len] = '\0';
	if (nul) {
		size_t reset_len = size - kfree_len - 1;

		reset = malloc(reset_len + 1);
		if (reset) {
			memcpy(reset, nul + 1, reset_len);
			reset[reset_len] = '\0';
		}
	}

	nwt_drop_reasons_init(&dr, NULL, kfree, reset);
	name_reasons(&dr);
	memset(&cf, 0, sizeof(cf));
	nwt_drop_reasons_add_cflags(&cf, &dr, kfree_len & 1);
	nwt_cflags_free(&cf);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		nwt_tp_format_field(kfree, fields[i], &offset, &field_size);
		if (reset)
			nwt_tp_format_field(reset, fields[i], &offset, &field_size);
	}
	nwt_drop_reasons_free(&dr);
	free(kfree);
	free(reset);
	return 0;
}
