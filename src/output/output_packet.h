/* SPDX-License-Identifier: Apache-2.0 */
/* Writers for packet, hop and UDP datagram records (-t, --hops, -H, -u). */
#ifndef NWT_OUTPUT_PACKET_H
#define NWT_OUTPUT_PACKET_H

#include <stddef.h>
#include <stdio.h>

#include "decode/record.h"

/* One JSON Lines object (with the newline) into out; returns its length. */
size_t nwt_packet_json_format(const struct nwt_record *rec, char *out, size_t len);
int nwt_packet_json_print(FILE *out, const struct nwt_record *rec);

void nwt_packet_table_print_header(FILE *out);
/* -u without -t: datagram rows without the TCP columns. */
void nwt_udp_table_print_header(FILE *out);
void nwt_packet_table_print(FILE *out, const struct nwt_record *rec);

#endif
