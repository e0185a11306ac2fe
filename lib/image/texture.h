/* texture.h - grey-level co-occurrence texture measures (Haralick). */
#ifndef FL_TEXTURE_H
#define FL_TEXTURE_H

#include <stdint.h>

#define FL_GLCM_MAX_LEVELS 64

typedef struct fl_glcm_props {
	double contrast;    /* sum P(i,j) (i - j)^2 */
	double homogeneity; /* sum P(i,j) / (1 + (i - j)^2) */
	double energy;      /* sqrt(sum P(i,j)^2) */
	double correlation; /* sum P(i,j) (i - mu_i)(j - mu_j) / (sigma_i sigma_j); 1 if flat */
} fl_glcm_props;

/* The image (w x h grey) quantised to `levels` (2..64) grey levels,
 * level = v * levels / 256; symmetric co-occurrence matrices of pixel pairs
 * at distance 1 at 0, 45, 90 and 135 degrees, each normalised to sum 1;
 * each measure is the mean over the four angles. `work` is caller-owned
 * scratch of levels * levels doubles. */
void fl_glcm(const uint8_t *px, int w, int h, int levels, double *work, fl_glcm_props *out);

#endif
