/* rocrate.c - build the Workflow Run RO-Crate metadata document. */
#define _GNU_SOURCE
#include "bundle/rocrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RO_CRATE "https://w3id.org/ro/crate/1.1"
#define WF_RO_CRATE "https://w3id.org/workflowhub/workflow-ro-crate/1.0"
#define PROCESS_RUN "https://w3id.org/ro/wfrun/process/0.1"
#define WORKFLOW_RUN "https://w3id.org/ro/wfrun/workflow/0.1"
#define FLOE_LANG "#floe-recipe"

char *fl_rocrate_id(const char *path)
{
	static const char hexd[] = "0123456789ABCDEF";
	char *out = malloc(strlen(path) * 3 + 1), *o = out;

	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hexd[*p >> 4];
			*o++ = hexd[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

static json_t *ref(const char *id)
{
	return json_pack("{s:s}", "@id", id);
}

static const char *media_type(const char *path)
{
	static const char *map[][2] = {
		{ ".csv", "text/csv" },       { ".json", "application/json" },
		{ ".yaml", "application/yaml" }, { ".yml", "application/yaml" },
		{ ".h5", "application/x-hdf5" }, { ".hdf5", "application/x-hdf5" },
		{ ".txt", "text/plain" },     { ".md", "text/markdown" },
		{ ".png", "image/png" },      { ".wav", "audio/wav" },
		{ ".nc", "application/x-netcdf" }, { ".cdf", "application/x-netcdf" },
		{ NULL, NULL },
	};
	const char *dot = strrchr(path, '.');

	for (int i = 0; dot && map[i][0]; i++)
		if (!strcmp(dot, map[i][0]))
			return map[i][1];
	return NULL;
}

/* A File entity; *id_out gets its @id (malloc'd). */
static json_t *file_entity(const fl_rocrate_file *f, const char *kind, char **id_out)
{
	char *id = NULL, *enc = fl_rocrate_id(f->path);
	char size[32];
	json_t *e;

	*id_out = NULL;
	if (!enc)
		return NULL;
	if (f->embedded)
		id = enc;
	else if (asprintf(&id, "#%s:%s", kind, enc) < 0)
		id = NULL;
	if (!f->embedded)
		free(enc);
	if (!id)
		return NULL;
	snprintf(size, sizeof(size), "%llu", (unsigned long long)f->size);
	e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "@id", id, "@type", "File", "name",
		      f->path, "contentSize", size, "sha256", f->sha256);
	if (e && media_type(f->path))
		json_object_set_new(e, "encodingFormat", json_string(media_type(f->path)));
	if (e && !f->embedded)
		json_object_set_new(e, "description",
				    json_sprintf("not embedded in this bundle (--no-data); origin: %s",
						 f->origin ? f->origin : "unknown"));
	*id_out = id;
	return e;
}

static json_t *profiles(void)
{
	return json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]",
			 "@id", PROCESS_RUN, "@type", "CreativeWork", "name", "Process Run Crate",
			 "version", "0.1", "@id", WORKFLOW_RUN, "@type", "CreativeWork", "name",
			 "Workflow Run Crate", "version", "0.1", "@id", WF_RO_CRATE, "@type",
			 "CreativeWork", "name", "Workflow RO-Crate", "version", "1.0");
}

static json_t *root_dataset(const fl_rocrate_info *in)
{
	json_t *root = json_pack("{s:s, s:s, s:s, s:[o,o,o], s:o, s:o}", "@id", "./", "@type",
				 "Dataset", "name", in->name ? in->name : "floe run",
				 "conformsTo", ref(PROCESS_RUN), ref(WORKFLOW_RUN),
				 ref(WF_RO_CRATE), "mainEntity", ref(in->recipe_path),
				 "mentions", ref("#run"));

	if (!root)
		return NULL;
	if (in->description)
		json_object_set_new(root, "description", json_string(in->description));
	else
		json_object_set_new(root, "description",
				    json_sprintf("A floe run of the recipe %s", in->recipe_path));
	if (in->end_time)
		json_object_set_new(root, "datePublished", json_string(in->end_time));
	return root;
}

static json_t *workflow(const fl_rocrate_info *in)
{
	char size[32];

	snprintf(size, sizeof(size), "%llu", (unsigned long long)in->recipe_size);
	return json_pack("{s:s, s:[s,s,s], s:s, s:s, s:s, s:s, s:o}", "@id", in->recipe_path,
			 "@type", "File", "SoftwareSourceCode", "ComputationalWorkflow", "name",
			 in->name ? in->name : in->recipe_path, "encodingFormat",
			 "application/yaml", "contentSize", size, "sha256",
			 in->recipe_sha256 ? in->recipe_sha256 : "", "programmingLanguage",
			 ref(FLOE_LANG));
}

static json_t *language(const fl_rocrate_info *in)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "@id", FLOE_LANG, "@type",
			 "ComputerLanguage", "name", "floe recipe", "alternateName", "floe",
			 "version", in->floe_version ? in->floe_version : "unknown");
}

/* Add the file entities to the graph, their ids to `ids` and, when
 * embedded, to the root's hasPart. */
static int add_files(json_t *graph, json_t *ids, json_t *has_part,
		     const fl_rocrate_file *files, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++) {
		char *id = NULL;
		json_t *e = file_entity(&files[i], kind, &id);
		if (!e) {
			free(id);
			return -1;
		}
		json_array_append_new(graph, e);
		json_array_append_new(ids, ref(id));
		if (files[i].embedded)
			json_array_append_new(has_part, ref(id));
		free(id);
	}
	return 0;
}

static json_t *action(const fl_rocrate_info *in, json_t *object, json_t *result)
{
	json_t *a = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "@id", "#run", "@type",
			      "CreateAction", "name", "floe run", "instrument",
			      ref(in->recipe_path), "object", object, "result", result);

	if (a && in->start_time)
		json_object_set_new(a, "startTime", json_string(in->start_time));
	if (a && in->end_time)
		json_object_set_new(a, "endTime", json_string(in->end_time));
	return a;
}

int fl_rocrate_build(const fl_rocrate_info *in, json_t **out, fl_err *err)
{
	json_t *graph = json_array(), *doc = NULL, *root = root_dataset(in);
	json_t *object = json_array(), *result = json_array(), *has_part = json_array();
	json_t *prof;

	*out = NULL;
	if (!graph || !root || !object || !result || !has_part)
		goto oom;
	json_array_append_new(has_part, ref(in->recipe_path));
	json_array_append_new(graph, json_pack("{s:s, s:s, s:o, s:[o,o]}", "@id",
					       FL_ROCRATE_FILE, "@type", "CreativeWork",
					       "about", ref("./"), "conformsTo",
					       ref(RO_CRATE), ref(WF_RO_CRATE)));
	json_array_append(graph, root);
	prof = profiles();
	json_array_extend(graph, prof);
	json_decref(prof);
	json_array_append_new(graph, workflow(in));
	json_array_append_new(graph, language(in));
	if (add_files(graph, object, has_part, in->inputs, in->n_inputs, "input") < 0 ||
	    add_files(graph, result, has_part, in->outputs, in->n_outputs, "output") < 0)
		goto oom;
	json_object_set(root, "hasPart", has_part);
	json_array_append_new(graph, action(in, json_incref(object), json_incref(result)));
	doc = json_pack("{s:s, s:O}", "@context", "https://w3id.org/ro/crate/1.1/context",
			"@graph", graph);
	if (!doc)
		goto oom;
	*out = doc;
	json_decref(graph);
	json_decref(root);
	json_decref(object);
	json_decref(result);
	json_decref(has_part);
	return 0;
oom:
	json_decref(graph);
	json_decref(root);
	json_decref(object);
	json_decref(result);
	json_decref(has_part);
	return fl_err_set(err, FL_ENOMEM, "out of memory building the RO-Crate metadata");
}
