/* images.h - the container images a bundle's steps ran in: the identity's
 * "images" list ([{id, embedded}]), and loading the embedded ones (entries
 * .floe/images/<64 hex>.tar, `docker save` tars, role "image") into Docker
 * when they are not on this machine. */
#ifndef FL_IMAGES_H
#define FL_IMAGES_H

#include <jansson.h>

#include "bundle/bundle.h"
#include "core/err.h"
#include "core/log.h"
#include "exec/docker.h"

/* The one image every step of `b` that ran in a container ran in
 * (borrowed from the manifest); NULL when none did or they used several. */
const char *fl_images_single(const fl_bundle *b);

/* 1 when the bundle holds at least one image (--with-image), else 0. */
int fl_images_embedded(const fl_bundle *b);

/* For every embedded image not on this machine: extract its tar into
 * `tmpdir` (checked against the manifest), `docker load` it, check the
 * image ID is now there, remove the tar. Appends the IDs loaded to
 * `loaded` (a JSON array, may be NULL). */
int fl_images_load(fl_docker *d, const fl_bundle *b, const char *tmpdir,
		   const fl_progress *progress, json_t *loaded, fl_err *err);

#endif
