/* texture.c - co-occurrence matrices and their Haralick measures. */
#include "image/texture.h"

#include <math.h>
#include <string.h>

static void props_of(const double *P, int L, fl_glcm_props *acc)
{
	double mu = 0, var = 0, con = 0, hom = 0, asm_ = 0, cor = 0;

	for (int i = 0; i < L; i++)
		for (int j = 0; j < L; j++) {
			double p = P[i * L + j], d = i - j;
			mu += i * p;
			con += p * d * d;
			hom += p / (1 + d * d);
			asm_ += p * p;
		}
	for (int i = 0; i < L; i++)
		for (int j = 0; j < L; j++)
			var += P[i * L + j] * (i - mu) * (i - mu);
	if (var > 1e-15) {
		for (int i = 0; i < L; i++)
			for (int j = 0; j < L; j++)
				cor += P[i * L + j] * (i - mu) * (j - mu);
		cor /= var; /* symmetric: sigma_i = sigma_j, mu_i = mu_j */
	} else {
		cor = 1;
	}
	acc->contrast += con / 4;
	acc->homogeneity += hom / 4;
	acc->energy += sqrt(asm_) / 4;
	acc->correlation += cor / 4;
}

/* Pair counts at offset (dr, dc) of the quantised image: cnt[i * L + j]
 * counts pixels of level i whose neighbour has level j. Returns the
 * number of pairs. */
static long count_pairs(const uint8_t *px, int w, int h, const uint8_t *lut, int L, int dr,
			int dc, uint32_t *cnt)
{
	int c0 = dc < 0 ? -dc : 0, c1 = dc > 0 ? w - dc : w;
	long pairs = 0;

	memset(cnt, 0, (size_t)L * L * sizeof(uint32_t));
	for (int r = dr < 0 ? -dr : 0; r < h && r + dr < h; r++) {
		const uint8_t *a = px + (size_t)r * w, *b = px + (size_t)(r + dr) * w + dc;
		for (int c = c0; c < c1; c++)
			cnt[lut[a[c]] * L + lut[b[c]]]++;
		pairs += c1 > c0 ? c1 - c0 : 0;
	}
	return pairs;
}

void fl_glcm(const uint8_t *px, int w, int h, int levels, double *P, fl_glcm_props *out)
{
	static const int off[4][2] = { { 0, 1 }, { -1, 1 }, { -1, 0 }, { -1, -1 } }; /* dr, dc */
	uint32_t cnt[FL_GLCM_MAX_LEVELS * FL_GLCM_MAX_LEVELS];
	uint8_t lut[256];
	int L = levels;

	memset(out, 0, sizeof(*out));
	for (int v = 0; v < 256; v++) /* level of each grey value, no division per pixel */
		lut[v] = (uint8_t)(v * L / 256);
	for (int a = 0; a < 4; a++) {
		/* symmetric: each pair counts as (i, j) and (j, i); all counts are
		 * whole numbers, exact in a double */
		double n = 2.0 * count_pairs(px, w, h, lut, L, off[a][0], off[a][1], cnt);
		if (n == 0) { /* a 1-pixel-wide image has no pairs at this angle */
			out->homogeneity += 0.25;
			out->energy += 0.25;
			out->correlation += 0.25;
			continue;
		}
		for (int i = 0; i < L; i++)
			for (int j = 0; j < L; j++)
				P[i * L + j] = (double)(cnt[i * L + j] + cnt[j * L + i]) / n;
		props_of(P, L, out);
	}
}
