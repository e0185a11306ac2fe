/* publish.c - build an image holding floe and a bundle. */
#define _GNU_SOURCE
#include "bundle/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "bundle/bundlemodel.h"
#include "bundle/images.h"
#include "core/atomic.h"
#include "exec/docker.h"

void fl_publish_result_clear(fl_publish_result *res)
{
	free(res->model);
	memset(res, 0, sizeof(*res));
}

/* A Dockerfile string: in double quotes, with \ " and $ escaped (ENV and
 * LABEL substitute variables). Entry names hold no control characters. */
static char *dq(const char *s)
{
	char *out = malloc(2 * strlen(s) + 3), *p = out;

	if (!out)
		return NULL;
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '\\' || *s == '"' || *s == '$')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

extern char **environ;

/* ENV lines for OpenBLAS: the kernels the bundle recorded
 * (OPENBLAS_CORETYPE = its corename), and the publishing host's other
 * OPENBLAS_* variables, as the docker executor passes them to steps: the
 * image then computes the bits the bundle recorded. Appended to *text. */
static int blas_env(const json_t *identity, char **text)
{
	const char *core = json_string_value(json_object_get(json_object_get(json_object_get(
		json_object_get(identity, "environment"), "libraries"), "openblas"), "corename"));
	char *t = NULL, *q;

	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (strncmp(*e, "OPENBLAS_", 9) || !eq || (core && !strncmp(*e,
		    "OPENBLAS_CORETYPE=", 18)) || strspn(*e, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
		    (size_t)(eq - *e))
			continue;
		if (!(q = dq(eq + 1)) || asprintf(&t, "%sENV %.*s=%s\n", *text, (int)(eq - *e), *e,
						  q) < 0) {
			free(q);
			return -1;
		}
		free(q);
		free(*text);
		*text = t;
	}
	if (core && *core) {
		if (!(q = dq(core)) || asprintf(&t, "%sENV OPENBLAS_CORETYPE=%s\n", *text, q) < 0) {
			free(q);
			return -1;
		}
		free(q);
		free(*text);
		*text = t;
	}
	return 0;
}

static int write_dockerfile(const char *dir, const fl_bundle *b, const char *from,
			    const char *model, fl_err *err)
{
	const json_t *id = json_object_get(b->manifest, "identity");
	const char *recipe = json_string_value(json_object_get(json_object_get(id, "recipe"),
							       "name"));
	char hex[FL_SHA256_HEX_LEN + 1], *path = NULL, *text = NULL;
	char *qm = dq(model ? model : ""), *qr = dq(recipe ? recipe : "");
	int rc, n = -1;

	fl_digest_hex(&b->digest, hex);
	if (qm && qr && asprintf(&path, "%s/Dockerfile", dir) >= 0)
		n = asprintf(&text,
		     "# Written by floe publish: the bundle %s on floe's image.\n"
		     "FROM %s\n"
		     "COPY bundle.floe.tar.zst " FL_PUBLISH_BUNDLE "\n"
		     "ENV FLOE_BUNDLE=" FL_PUBLISH_BUNDLE " FLOE_BUNDLE_MODEL=%s\n"
		     "LABEL org.floe.bundle.digest=\"%s\" org.floe.bundle.recipe=%s "
		     "org.floe.bundle.model=%s org.floe.from=\"%s\"\n"
		     "USER 10001:10001\n"
		     "WORKDIR /work\n"
		     "ENTRYPOINT [\"/usr/local/bin/floe\", \"embedded\"]\n"
		     "CMD [\"help\"]\n",
		     hex, from, qm, hex, qr, qm, from);
	if (n < 0)
		text = NULL;
	if (n < 0 || blas_env(id, &text) < 0) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	} else {
		rc = fl_write_file_atomic(path, text, strlen(text), err);
	}
	free(qm);
	free(qr);
	free(path);
	free(text);
	return rc;
}

/* Copy the bundle into the build context, readable by everyone (0644). */
static int copy_bundle(const char *src, const char *dir, fl_err *err)
{
	char *dst = NULL, buf[1 << 16];
	int in = -1, out = -1, rc = 0;
	ssize_t n;

	if (asprintf(&dst, "%s/bundle.floe.tar.zst", dir) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0 ||
	    fchmod(out, 0644) < 0) {
		rc = fl_err_sys(err, errno, "copying %s into the build context", src);
		goto cleanup;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n) {
			rc = fl_err_sys(err, errno ? errno : EIO, "copying %s into the build "
					"context", src);
			goto cleanup;
		}
	}
	if (close(out) < 0)
		rc = fl_err_sys(err, errno, "copying %s into the build context", src);
	out = -1;
cleanup:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	free(dst);
	return rc;
}

/* The bundle whole: signature (when signed) and every entry. */
static int check_bundle(const fl_publish_opts *o, const fl_bundle *b, fl_err *err)
{
	fl_bundle_sig sig;
	int rc;

	if ((rc = fl_bundle_check_signature(b, NULL, &sig, NULL, err)) < 0)
		return rc;
	return fl_bundle_check_entries(o->bundle, NULL, o->progress, err);
}

/* The model `predict` will apply; a bundle without one publishes with a
 * warning (verify works, predict refuses). */
static int choose_model(const fl_publish_opts *o, const fl_bundle *b, fl_publish_result *res,
			fl_err *err)
{
	int rc = fl_bundle_model_choose(b, o->model, &res->model, err);

	if (rc == FL_ENOTFOUND && !o->model) {
		fl_log(FL_LOG_WARN, "%s holds no model file: `predict` in the image will refuse; "
		       "`verify` works", o->bundle);
		*err = (fl_err)FL_ERR_INIT;
		return 0;
	}
	return rc;
}

/* The image to build FROM, by ID; it must hold a floe that has `embedded`. */
static int resolve_from(fl_docker *d, const fl_publish_opts *o, const fl_bundle *b,
			const char *tmp, fl_publish_result *res, fl_err *err)
{
	const char *from = o->from ? o->from : fl_images_single(b);
	int rc;

	if (!o->from && from && (rc = fl_images_load(d, b, tmp, o->progress, NULL, err)) < 0)
		return rc;
	if (!from)
		from = FL_PUBLISH_DEFAULT_FROM;
	if ((rc = fl_docker_image_exists(d, from, res->from, err)) <= 0)
		return rc < 0 ? rc : fl_docker_missing_image(from, err);
	const char *args[] = { "run", "--rm", "--network", "none", "--read-only", "--cap-drop",
			       "ALL", "--security-opt", "no-new-privileges", "--user",
			       "10001:10001", "--entrypoint", "/usr/local/bin/floe", res->from,
			       "embedded", "--help", NULL };
	fl_err why = FL_ERR_INIT;
	if (fl_docker_run_ok(d, args, NULL, NULL, "floe embedded --help", &why) < 0)
		return fl_err_set(err, FL_EINVAL, "image %s (%s) holds no floe that can serve a "
				  "published bundle (%s): build floe's image from this version "
				  "(containers/build-image.sh) or name another with --from", from,
				  res->from, why.msg);
	return 0;
}

static int image_size(fl_docker *d, const char *id, uint64_t *size, fl_err *err)
{
	const char *args[] = { "image", "inspect", "--format", "{{.Size}}", id, NULL };
	char *out = NULL;
	int rc = fl_docker_run_ok(d, args, NULL, &out, "docker image inspect", err);

	if (rc == 0)
		*size = strtoull(out, NULL, 10);
	free(out);
	return rc;
}

int fl_publish(const fl_publish_opts *o, fl_publish_result *res, fl_err *err)
{
	fl_bundle *b = NULL;
	fl_docker *d = NULL;
	char *tmp = NULL;
	const char *base = getenv("TMPDIR");
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = fl_bundle_open(&b, o->bundle, NULL, err)) < 0 ||
	    (rc = check_bundle(o, b, err)) < 0 || (rc = choose_model(o, b, res, err)) < 0 ||
	    (rc = fl_docker_open(&d, err)) < 0)
		goto cleanup;
	if (asprintf(&tmp, "%s/floe-publish-XXXXXX", base && *base ? base : "/tmp") < 0 ||
	    !mkdtemp(tmp)) {
		free(tmp);
		tmp = NULL;
		rc = fl_err_sys(err, errno, "creating a temporary build context");
		goto cleanup;
	}
	if ((rc = resolve_from(d, o, b, tmp, res, err)) < 0 ||
	    (rc = copy_bundle(o->bundle, tmp, err)) < 0 ||
	    (rc = write_dockerfile(tmp, b, res->from, res->model, err)) < 0)
		goto cleanup;
	fl_log(FL_LOG_INFO, "building %s FROM %.19s... (no network)", o->tag, res->from);
	if ((rc = fl_docker_build(d, tmp, o->tag, res->id, err)) < 0 ||
	    (rc = image_size(d, res->id, &res->size, err)) < 0)
		goto cleanup;
cleanup:
	if (tmp)
		fl_tarx_rmtree(tmp);
	free(tmp);
	fl_docker_free(d);
	fl_bundle_free(b);
	return rc;
}
