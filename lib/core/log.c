/* log.c - the process-wide log handler and progress helper. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static fl_log_fn log_fn;
static void *log_ud;

void fl_log_set_handler(fl_log_fn fn, void *ud)
{
	log_fn = fn;
	log_ud = ud;
}

void fl_log(fl_log_level level, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_fn(log_ud, level, buf);
}

void fl_progress_report(const fl_progress *p, const char *what, uint64_t done,
			uint64_t total)
{
	if (p && p->fn)
		p->fn(p->ud, what, done, total);
}
