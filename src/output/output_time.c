/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <time.h>

#include "output/output.h"

const char *nwt_format_iso8601(uint64_t wall_ns, char *buf, size_t len)
{
	time_t secs = (time_t)(wall_ns / 1000000000ULL);
	unsigned long usec = (unsigned long)(wall_ns % 1000000000ULL / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06luZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return buf;
}

const char *nwt_format_duration_us(uint64_t us, char *buf, size_t len)
{
	if (us < 1000)
		snprintf(buf, len, "%lluus", (unsigned long long)us);
	else if (us < 10000)
		snprintf(buf, len, "%.1fms", us / 1000.0);
	else if (us < 1000000)
		snprintf(buf, len, "%llums", (unsigned long long)(us / 1000));
	else if (us < 10000000)
		snprintf(buf, len, "%.1fs", us / 1e6);
	else if (us < 60000000)
		snprintf(buf, len, "%llus", (unsigned long long)(us / 1000000));
	else if (us < 3600000000ULL)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(us / 60000000),
			 (unsigned long long)(us / 1000000 % 60));
	else
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)(us / 3600000000ULL),
			 (unsigned long long)(us / 60000000 % 60));
	return buf;
}
