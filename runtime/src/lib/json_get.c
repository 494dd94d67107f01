/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed JSON member access (json_get.h). */
#include <math.h>
#include <string.h>

#include "error.h"
#include "json_get.h"
#include "util.h"

const char *
json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* The member KEY, NULL when absent (JSON null counts as absent, as runc). */
static json_t *
member(json_t *obj, const char *key, const char *path, enum json_need need,
       struct urun_err **err, int *ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = 0;
	if (v == NULL || json_is_null(v)) {
		if (need == JSON_REQUIRED)
			*ret = urun_err_set(err, 0, "%s: required", path);
		return NULL;
	}
	return v;
}

static int
wrong_type(const char *path, const char *want, json_t *v, struct urun_err **err)
{
	return urun_err_set(err, 0, "%s: expected %s, got %s", path, want, json_type_name(v));
}

int
json_get_obj(json_t *obj, const char *key, const char *path, enum json_need need,
	     json_t **out, struct urun_err **err)
{
	int ret;
	json_t *v = member(obj, key, path, need, err, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_object(v))
		return wrong_type(path, "an object", v, err);
	*out = v;
	return 0;
}

int
json_get_arr(json_t *obj, const char *key, const char *path, enum json_need need,
	     json_t **out, struct urun_err **err)
{
	int ret;
	json_t *v = member(obj, key, path, need, err, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_array(v))
		return wrong_type(path, "an array", v, err);
	*out = v;
	return 0;
}

int
json_get_str(json_t *obj, const char *key, const char *path, enum json_need need,
	     char **out, struct urun_err **err)
{
	int ret;
	json_t *v = member(obj, key, path, need, err, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_string(v))
		return wrong_type(path, "a string", v, err);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return urun_err_set(err, 0, "%s: contains a NUL byte", path);
	free(*out);
	*out = xstrdup(json_string_value(v));
	return 0;
}

int
json_get_bool(json_t *obj, const char *key, const char *path, bool *out,
	      struct urun_err **err)
{
	int ret;
	json_t *v = member(obj, key, path, JSON_OPTIONAL, err, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_boolean(v))
		return wrong_type(path, "a boolean", v, err);
	*out = json_is_true(v);
	return 0;
}

int
json_get_int(json_t *obj, const char *key, const char *path, enum json_need need,
	     int64_t min, int64_t max, int64_t *out, struct urun_err **err)
{
	int ret;
	json_int_t n;
	json_t *v = member(obj, key, path, need, err, &ret);

	if (v == NULL)
		return ret;
	/* Documents with integers above INT64_MAX are read with all numbers as
	 * reals (see json_load_config): accept exact ones. A double outside the
	 * int64 range is out of range before the cast, which would be undefined. */
	if (json_is_real(v) && floor(json_real_value(v)) == json_real_value(v)) {
		double d = json_real_value(v);

		if (!(d >= -0x1p63 && d < 0x1p63))
			return urun_err_set(err, 0, "%s: %g out of range [%lld, %lld]", path, d,
					    (long long)min, (long long)max);
		n = (json_int_t)d;
	} else if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else {
		return wrong_type(path, "an integer", v, err);
	}
	if (n < min || n > max)
		return urun_err_set(err, 0, "%s: %lld out of range [%lld, %lld]", path,
				    (long long)n, (long long)min, (long long)max);
	*out = n;
	return 0;
}

int
json_get_u64(json_t *obj, const char *key, const char *path, enum json_need need,
	     uint64_t *out, struct urun_err **err)
{
	int ret;
	json_t *v = member(obj, key, path, need, err, &ret);

	if (v == NULL)
		return ret;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return urun_err_set(err, 0, "%s: must not be negative", path);
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		/* UINT64_MAX (the spec's "unlimited") rounds to 2^64 as a double. */
		if (d == 18446744073709551616.0) {
			*out = UINT64_MAX;
			return 0;
		}
		if (d >= 0 && d < 18446744073709551616.0 && floor(d) == d) {
			*out = (uint64_t)d;
			return 0;
		}
		return urun_err_set(err, 0, "%s: not an unsigned 64-bit integer", path);
	}
	return wrong_type(path, "an integer", v, err);
}

int
json_get_strv(json_t *obj, const char *key, const char *path, enum json_need need,
	      char ***out, struct urun_err **err)
{
	json_t *arr = NULL, *v;
	size_t i;
	char **vec;

	if (json_get_arr(obj, key, path, need, &arr, err) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return urun_err_set(err, 0, "%s: expected an array of strings", path);
	}
	vec = xcalloc(json_array_size(arr) + 1, sizeof(char *));
	json_array_foreach(arr, i, v)
		vec[i] = xstrdup(json_string_value(v));
	*out = vec;
	return 0;
}

json_t *
json_load_config(const char *text, json_error_t *jerr)
{
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, jerr);

	/* jansson refuses integers above INT64_MAX, which the spec allows for
	 * uint64 fields (rlimits, seccomp values): read those documents with
	 * every number as a double; the getters above accept exact ones. */
	if (doc == NULL && strstr(jerr->text, "too big integer"))
		doc = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, jerr);
	return doc;
}
