/* spectral.c - per-frame spectral shape and time-domain measures. */
#include "audio/spectral.h"

#include <math.h>

const char *const fl_spectral_names[FL_SPEC_N] = {
	"rms", "zcr", "centroid", "bandwidth", "flatness", "rolloff",
};

static void time_domain(const float *x, size_t n, double *out)
{
	double sq = 0;
	size_t cross = 0;

	for (size_t i = 0; i < n; i++)
		sq += (double)x[i] * x[i];
	for (size_t i = 1; i < n; i++) /* branch-free: the compiler may vectorise it */
		cross += (x[i] < 0) != (x[i - 1] < 0);
	out[FL_SPEC_RMS] = n ? sqrt(sq / n) : 0;
	out[FL_SPEC_ZCR] = n > 1 ? (double)cross / (n - 1) : 0;
}

void fl_spectral_frame(const float *x, size_t n, const float *power, int n_fft, int rate,
		       double *mag, double *out)
{
	int nb = n_fft / 2 + 1;
	double df = (double)rate / n_fft, sum = 0, wsum = 0, var = 0, logsum = 0, psum = 0, acc = 0;

	time_domain(x, n, out);
	for (int k = 0; k < nb; k++) /* |X_k| once: three passes use it */
		mag[k] = sqrt(power[k]);
	for (int k = 0; k < nb; k++) {
		sum += mag[k];
		wsum += k * df * mag[k];
		psum += power[k] + 1e-10;
	}
	for (int k = 0; k < nb; k++) /* apart: the call would spill the sums above */
		logsum += logf((float)(power[k] + 1e-10));
	out[FL_SPEC_FLATNESS] = exp(logsum / nb) / (psum / nb);
	if (sum <= 0) {
		out[FL_SPEC_CENTROID] = out[FL_SPEC_BANDWIDTH] = out[FL_SPEC_ROLLOFF] = 0;
		return;
	}
	out[FL_SPEC_CENTROID] = wsum / sum;
	out[FL_SPEC_ROLLOFF] = (nb - 1) * df;
	for (int k = 0; k < nb; k++) {
		double d = k * df - out[FL_SPEC_CENTROID];
		var += d * d * mag[k];
	}
	for (int k = 0; k < nb; k++) {
		acc += mag[k];
		if (acc >= 0.85 * sum) {
			out[FL_SPEC_ROLLOFF] = k * df;
			break;
		}
	}
	out[FL_SPEC_BANDWIDTH] = sqrt(var / sum);
}
