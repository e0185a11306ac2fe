/* images.c - load the images a bundle holds into Docker. */
#define _GNU_SOURCE
#include "bundle/images.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/member.h"
#include "bundle/runpack.h"

static const json_t *images_of(const fl_bundle *b)
{
	return json_object_get(json_object_get(b->manifest, "identity"), "images");
}

const char *fl_images_single(const fl_bundle *b)
{
	const json_t *images = images_of(b);

	if (json_array_size(images) != 1)
		return NULL;
	return json_string_value(json_object_get(json_array_get(images, 0), "id"));
}

int fl_images_embedded(const fl_bundle *b)
{
	size_t i;
	json_t *img;

	json_array_foreach(images_of(b), i, img)
		if (json_is_true(json_object_get(img, "embedded")))
			return 1;
	return 0;
}

/* Load one image from the bundle. */
static int load_one(fl_docker *d, const fl_bundle *b, const char *id, const char *tmpdir,
		    const fl_progress *progress, fl_err *err)
{
	const char *hex = strncmp(id, "sha256:", 7) ? id : id + 7;
	char *entry = NULL, *tar = NULL;
	int rc;

	if (asprintf(&entry, FL_RUNPACK_IMAGE_DIR "/%s.tar", hex) < 0 ||
	    asprintf(&tar, "%s/image-%s.tar", tmpdir, hex) < 0) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	fl_log(FL_LOG_INFO, "image %.19s... is not on this machine: loading it from the bundle",
	       id);
	if ((rc = fl_bundle_member_extract(b, entry, tar, progress, err)) < 0 ||
	    (rc = fl_docker_load(d, tar, err)) < 0 ||
	    (rc = fl_docker_image_exists(d, id, NULL, err)) < 0)
		goto cleanup;
	rc = rc == 1 ? 0 : fl_err_set(err, FL_EMISMATCH, "%s did not hold image %s", entry, id);
cleanup:
	if (rc < 0)
		fl_err_wrap(err, "loading image %s from %s", id, b->path);
	if (tar)
		unlink(tar);
	free(entry);
	free(tar);
	return rc;
}

int fl_images_load(fl_docker *d, const fl_bundle *b, const char *tmpdir,
		   const fl_progress *progress, json_t *loaded, fl_err *err)
{
	size_t i;
	json_t *img;
	int rc;

	json_array_foreach(images_of(b), i, img) {
		const char *id = json_string_value(json_object_get(img, "id"));
		if (!id || !json_is_true(json_object_get(img, "embedded")))
			continue;
		if ((rc = fl_docker_image_exists(d, id, NULL, err)) < 0)
			return rc;
		if (rc == 1)
			continue;
		if ((rc = load_one(d, b, id, tmpdir, progress, err)) < 0)
			return rc;
		if (loaded)
			json_array_append_new(loaded, json_string(id));
	}
	return 0;
}
