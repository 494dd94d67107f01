/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed access to JSON members that names the JSON path in every error. Each
 * getter leaves *out untouched when the member is absent and optional. PATH is
 * the member's full path ("process.user.uid"). */
#ifndef URUN_JSON_GET_H
#define URUN_JSON_GET_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

struct urun_err;

enum json_need { JSON_OPTIONAL, JSON_REQUIRED };

int json_get_obj(json_t *obj, const char *key, const char *path, enum json_need need,
		 json_t **out, struct urun_err **err);
int json_get_arr(json_t *obj, const char *key, const char *path, enum json_need need,
		 json_t **out, struct urun_err **err);
int json_get_str(json_t *obj, const char *key, const char *path, enum json_need need,
		 char **out, struct urun_err **err);
int json_get_bool(json_t *obj, const char *key, const char *path, bool *out,
		  struct urun_err **err);
/* An integer in [min, max]. */
int json_get_int(json_t *obj, const char *key, const char *path, enum json_need need,
		 int64_t min, int64_t max, int64_t *out, struct urun_err **err);
/* An unsigned 64-bit integer (json integers are signed: values above INT64_MAX
 * arrive as reals and are accepted when exact). */
int json_get_u64(json_t *obj, const char *key, const char *path, enum json_need need,
		 uint64_t *out, struct urun_err **err);
/* An array of strings as a NULL-terminated vector (empty array -> {NULL}). */
int json_get_strv(json_t *obj, const char *key, const char *path, enum json_need need,
		  char ***out, struct urun_err **err);
const char *json_type_name(const json_t *v);
/* Parse a config document: duplicate keys rejected, uint64 values kept. */
json_t *json_load_config(const char *text, json_error_t *jerr);

#endif
