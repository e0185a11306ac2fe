/* publish.h - `floe publish`: build an image holding floe and a bundle, so
 * that `docker run --rm -i NAME:TAG predict < new.csv` applies the
 * bundle's model and `docker run --rm NAME:TAG verify` re-runs it inside.
 *
 * The image is built FROM floe's runtime image pinned by its ID, in a
 * temporary build context holding only the bundle and a generated
 * Dockerfile, with no network (`docker build --network none`; no RUN):
 *
 *   FROM sha256:<floe's image>
 *   COPY bundle.floe.tar.zst /usr/share/floe/bundle.floe.tar.zst
 *   ENV FLOE_BUNDLE=/usr/share/floe/bundle.floe.tar.zst FLOE_BUNDLE_MODEL=<entry>
 *   LABEL org.floe.bundle.digest=... (and recipe, model, from)
 *   USER 10001:10001
 *   WORKDIR /work
 *   ENTRYPOINT ["/usr/local/bin/floe", "embedded"]
 *   CMD ["help"]
 */
#ifndef FL_PUBLISH_H
#define FL_PUBLISH_H

#include <stdint.h>

#include "core/err.h"
#include "core/log.h"

#define FL_PUBLISH_BUNDLE "/usr/share/floe/bundle.floe.tar.zst" /* in the image */
#define FL_PUBLISH_DEFAULT_FROM "floe:local"

typedef struct fl_publish_opts {
	const char *bundle;          /* the bundle file */
	const char *tag;             /* NAME[:TAG] of the new image */
	const char *from;            /* floe's image (name or ID); NULL: the one
					image the bundle's steps ran in, else
					FL_PUBLISH_DEFAULT_FROM */
	const char *model;           /* the model `predict` applies (an entry or
					its end, bundlemodel.h); NULL: the only one */
	const fl_progress *progress; /* may be NULL */
} fl_publish_opts;

typedef struct fl_publish_result {
	char id[72];     /* the new image's ID */
	char from[72];   /* the ID of the image it was built FROM */
	char *model;     /* the model entry `predict` uses; NULL: the bundle has
			    no model (predict refuses) (owned) */
	uint64_t size;   /* the image's size in bytes, as Docker counts it */
} fl_publish_result;

/* Check the bundle whole (entries, signature), choose its model and the
 * image to build FROM (loaded from the bundle when it holds it and Docker
 * does not), check that floe in that image has `floe embedded`, build.
 * The temporary build context is removed in every case. */
int fl_publish(const fl_publish_opts *o, fl_publish_result *res, fl_err *err);

void fl_publish_result_clear(fl_publish_result *res);

#endif
