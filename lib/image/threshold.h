/* threshold.h - Otsu's global threshold on the 256-level histogram. */
#ifndef FL_THRESHOLD_H
#define FL_THRESHOLD_H

#include <stddef.h>
#include <stdint.h>

/* The 256-bin histogram of n grey values into hist[256]. */
void fl_histogram256(const uint8_t *px, size_t n, uint32_t hist[256]);

/* Otsu's threshold t in 0..254: pixels v > t are one class, v <= t the
 * other, and t maximises the between-class variance w0 w1 (m0 - m1)^2
 * (the first t on ties). An image with a single grey value returns that
 * value (so no pixel is above it). */
int fl_otsu_threshold(const uint32_t hist[256]);

#endif
