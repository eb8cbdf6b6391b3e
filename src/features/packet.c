/* SPDX-License-Identifier: Apache-2.0 */
/* -t, --hops, -H: a record per packet (or per point it passes) with its layer times. */
#include "features/feature.h"
#include "output/output_packet.h"

const struct nwt_feature_module nwt_feature_packet = {
	.name = "packet",
	.flags = NWT_FEATURE_PACKET | NWT_FEATURE_HOPS | NWT_FEATURE_HTTP,
	.table_header = nwt_packet_table_print_header,
};
