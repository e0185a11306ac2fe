/* hex.h - bytes to lower-case hex and back. */
#ifndef FL_HEX_H
#define FL_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Lower-case hex of `n` bytes into `hex`, which holds 2n+1 bytes. */
void fl_hex_encode(const uint8_t *b, size_t n, char *hex);

/* Exactly 2n hex digits (either case) into `n` bytes; FL_EINVAL otherwise. */
int fl_hex_decode(const char *hex, uint8_t *b, size_t n, fl_err *err);

#endif
