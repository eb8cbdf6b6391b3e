/* SPDX-License-Identifier: Apache-2.0 */
/* -u: a record per UDP datagram with its layer times (probes/udp/udp_path.bpf.c). */
#include "features/feature.h"
#include "output/output_packet.h"

const struct nwt_feature_module nwt_feature_udp = {
	.name = "udp",
	.flags = NWT_FEATURE_UDP,
	.table_header = nwt_udp_table_print_header,
};
