/* SPDX-License-Identifier: Apache-2.0 */
#include "util/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int parse_prefix_len(const char *text, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long value;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || *end || value > max)
		return -EINVAL;
	*out = (unsigned int)value;
	return 0;
}

static void clear_host_bits(uint8_t *addr, unsigned int addr_bytes, unsigned int prefix_len)
{
	for (unsigned int i = 0; i < addr_bytes; i++) {
		unsigned int bit = i * 8;

		if (bit >= prefix_len)
			addr[i] = 0;
		else if (prefix_len - bit < 8)
			addr[i] &= (uint8_t)(0xff << (8 - (prefix_len - bit)));
	}
}

int nwt_parse_prefix(const char *text, struct nwt_prefix *out)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t host_len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned int max_len;

	if (host_len == 0 || host_len >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, host_len);
	host[host_len] = '\0';

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, out->addr) == 1) {
		out->family = AF_INET;
		max_len = 32;
	} else if (inet_pton(AF_INET6, host, out->addr) == 1) {
		out->family = AF_INET6;
		max_len = 128;
	} else {
		return -EINVAL;
	}
	out->prefix_len = max_len;
	if (slash && parse_prefix_len(slash + 1, max_len, &out->prefix_len))
		return -EINVAL;
	clear_host_bits(out->addr, max_len / 8, out->prefix_len);
	return 0;
}

void nwt_prefix_mask_words(const struct nwt_prefix *prefix, uint32_t mask[4])
{
	uint8_t bytes[16];

	memset(bytes, 0xff, sizeof(bytes));
	clear_host_bits(bytes, sizeof(bytes), prefix->prefix_len);
	if (prefix->family == AF_INET)
		memset(bytes + 4, 0, 12);
	memcpy(mask, bytes, sizeof(bytes));
}

const char *nwt_format_addr(int family, const uint8_t addr[16], char *buf, size_t len)
{
	/* glibc's inet_ntop follows RFC 5952 (no "::" for a single zero group). */
	if (!inet_ntop(family, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *nwt_format_endpoint(int family, const uint8_t addr[16], uint16_t port,
				char *buf, size_t len)
{
	char host[NWT_ADDR_STRLEN], port_text[8] = "*";

	/* Port 0: not assigned yet, or any; ss prints it as "*". */
	if (port)
		snprintf(port_text, sizeof(port_text), "%u", port);
	nwt_format_addr(family, addr, host, sizeof(host));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, port_text);
	else
		snprintf(buf, len, "%s:%s", host, port_text);
	return buf;
}
