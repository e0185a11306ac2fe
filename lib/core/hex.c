/* hex.c - bytes to lower-case hex and back. */
#include "core/hex.h"

#include <string.h>

void fl_hex_encode(const uint8_t *b, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[2 * n] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fl_hex_decode(const char *hex, uint8_t *b, size_t n, fl_err *err)
{
	if (strlen(hex) != 2 * n)
		return fl_err_set(err, FL_EINVAL, "expected %zu hex digits", 2 * n);
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return fl_err_set(err, FL_EINVAL, "not a hex digit in '%.16s...'", hex);
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
