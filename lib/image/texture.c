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

void fl_glcm(const uint8_t *px, int w, int h, int levels, double *P, fl_glcm_props *out)
{
	static const int off[4][2] = { { 0, 1 }, { -1, 1 }, { -1, 0 }, { -1, -1 } }; /* dr, dc */
	int L = levels;

	memset(out, 0, sizeof(*out));
	for (int a = 0; a < 4; a++) {
		double n = 0;
		memset(P, 0, (size_t)L * L * sizeof(double));
		for (int r = 0; r < h; r++) {
			int r2 = r + off[a][0];
			if (r2 < 0 || r2 >= h)
				continue;
			for (int c = 0; c < w; c++) {
				int c2 = c + off[a][1], i, j;
				if (c2 < 0 || c2 >= w)
					continue;
				i = px[r * w + c] * L / 256;
				j = px[r2 * w + c2] * L / 256;
				P[i * L + j] += 1;
				P[j * L + i] += 1;
				n += 2;
			}
		}
		if (n == 0) { /* a 1-pixel-wide image has no pairs at this angle */
			out->homogeneity += 0.25;
			out->energy += 0.25;
			out->correlation += 0.25;
			continue;
		}
		for (int k = 0; k < L * L; k++)
			P[k] /= n;
		props_of(P, L, out);
	}
}
