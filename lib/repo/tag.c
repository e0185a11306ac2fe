/* tag.c - set, move and remove aliases. */
#include "repo/tag.h"

#include <jansson.h>

#include "repo/index.h"
#include "repo/modelref.h"

int fl_repo_tag(fl_repo *r, const char *s, const char *alias, long *version,
		long *previous, fl_err *err)
{
	fl_modelref ref;
	json_t *aliases = NULL;
	int rc;

	*previous = 0;
	if ((rc = fl_modelref_parse(&ref, s, err)) < 0 || (rc = fl_modelalias_check(alias, err)) < 0)
		return rc;
	if ((rc = fl_repo_lock(r, err)) < 0)
		return rc;
	if ((rc = fl_index_resolve(r, &ref, version, err)) == 0 &&
	    (rc = fl_index_aliases(r, ref.name, &aliases, err)) == 0) {
		*previous = (long)json_integer_value(json_object_get(aliases, alias));
		rc = fl_index_alias_set(r, ref.name, alias, *version, err);
	}
	fl_repo_unlock(r);
	json_decref(aliases);
	return rc;
}

int fl_repo_untag(fl_repo *r, const char *s, fl_err *err)
{
	fl_modelref ref;
	long v;
	int rc;

	if ((rc = fl_modelref_parse(&ref, s, err)) < 0)
		return rc;
	if (!ref.alias[0])
		return fl_err_set(err, FL_EINVAL, "untag needs NAME@ALIAS, not '%s'", s);
	if ((rc = fl_repo_lock(r, err)) < 0)
		return rc;
	if ((rc = fl_index_resolve(r, &ref, &v, err)) == 0 ||
	    rc == FL_ENOTFOUND) /* an alias left pointing at a removed version goes too */
		rc = fl_index_alias_remove(r, ref.name, ref.alias, err);
	if (rc == FL_ENOTFOUND)
		fl_index_resolve(r, &ref, &v, err); /* the message listing the aliases */
	fl_repo_unlock(r);
	return rc;
}
