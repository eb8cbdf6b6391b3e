/* SPDX-License-Identifier: Apache-2.0 */
/* Address and prefix parsing (for --ip) and formatting (RFC 5952 for IPv6). */
#ifndef NWT_ADDR_H
#define NWT_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* Longest "[v6addr]:port" plus NUL. */
#define NWT_ENDPOINT_STRLEN 64
#define NWT_ADDR_STRLEN 46

/* An address with a prefix length: 10.1.0.0/16, 2001:db8::/32, or a host. */
struct nwt_prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
	unsigned int prefix_len;
};

/* Parses "ADDR" or "ADDR/LEN"; host bits are cleared. Returns 0 or -EINVAL. */
int nwt_parse_prefix(const char *text, struct nwt_prefix *out);

/* The prefix's netmask as 4 network-order 32-bit words (IPv4: word 0 only). */
void nwt_prefix_mask_words(const struct nwt_prefix *prefix, uint32_t mask[4]);

/* "10.0.0.1" or "2001:db8::1" (RFC 5952: lower case, longest zero run compressed). */
const char *nwt_format_addr(int family, const uint8_t addr[16], char *buf, size_t len);

/* "10.0.0.1:443", "[2001:db8::1]:443", "0.0.0.0:*", as ss prints endpoints. */
const char *nwt_format_endpoint(int family, const uint8_t addr[16], uint16_t port,
				char *buf, size_t len);

#endif
