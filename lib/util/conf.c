/*
 * conf.c - table-driven configuration reader (see conf.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/file.h"
#include "util/strparse.h"

/* A configuration file larger than this is not a configuration file. */
#define CONF_FILE_MAX (4 * 1024 * 1024)

static const struct conf_option *
conf_find(const struct conf_option *table, const char *name)
{
	for (; table->name != NULL; table++) {
		if (strcasecmp(table->name, name) == 0)
			return table;
	}
	return NULL;
}

static int
conf_parse_bool(const char *value, bool *b_r)
{
	static const char *const yes[] = {"yes", "true", "on", "1", NULL};
	static const char *const no[] = {"no", "false", "off", "0", NULL};
	size_t i;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*b_r = true;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*b_r = false;
			return 0;
		}
	}
	return -1;
}

/* Decimal number with an optional unit; `time` selects ms/s/m/h units
 * (a bare number is seconds), otherwise no unit is allowed. */
static int
conf_parse_number(const char *value, bool time, uint64_t *n_r)
{
	struct strparse sp;
	uint64_t n, mult = 1;

	sp_init_str(&sp, value);
	if (!sp_uint(&sp, 12, UINT32_MAX, &n))
		return -1;
	if (time) {
		mult = 1000;
		if (sp_literal_ci(&sp, "ms"))
			mult = 1;
		else if (sp_char_ci(&sp, 's'))
			mult = 1000;
		else if (sp_char_ci(&sp, 'm'))
			mult = 60 * 1000;
		else if (sp_char_ci(&sp, 'h'))
			mult = 3600 * 1000;
	}
	if (!sp_eof(&sp))
		return -1;
	*n_r = n * mult;
	return 0;
}

static bool
is_list_sep(unsigned char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_list_item(unsigned char c)
{
	return !is_list_sep(c);
}

static const char *const *
conf_parse_list(struct arena *arena, const char *value)
{
	struct strparse sp;
	struct sp_slice item;
	size_t n = 0, i = 0;
	const char **list;

	sp_init_str(&sp, value);
	while (!sp_eof(&sp)) {
		sp_span(&sp, is_list_sep, 0, NULL);
		if (sp_span(&sp, is_list_item, 0, NULL) > 0)
			n++;
	}
	list = arena_alloc(arena, (n + 1) * sizeof(*list));
	sp_init_str(&sp, value);
	while (!sp_eof(&sp)) {
		sp_span(&sp, is_list_sep, 0, NULL);
		if (sp_span(&sp, is_list_item, 0, &item) > 0)
			list[i++] = arena_strndup(arena, item.p, item.len);
	}
	list[i] = NULL;
	return list;
}

static int
conf_store_number(const struct conf_option *opt, void *field,
		  const char *value, struct arena *arena, const char **error_r)
{
	uint64_t n;

	if (conf_parse_number(value, opt->type == CONF_TIME, &n) < 0 ||
	    n > UINT32_MAX) {
		*error_r = arena_printf(arena, "%s: invalid %s '%s'", opt->name,
					opt->type == CONF_TIME ? "time" : "number",
					value);
		return -1;
	}
	if ((opt->min != 0 || opt->max != 0) && (n < opt->min || n > opt->max)) {
		*error_r = arena_printf(arena, "%s: %s out of range %u..%u",
					opt->name, value, opt->min, opt->max);
		return -1;
	}
	*(unsigned int *)field = (unsigned int)n;
	return 0;
}

static int
conf_store_enum(const struct conf_option *opt, void *field, const char *value,
		struct arena *arena, const char **error_r)
{
	unsigned int i;
	struct buf names = BUF_INIT;

	for (i = 0; opt->choices[i] != NULL; i++) {
		if (strcasecmp(opt->choices[i], value) == 0) {
			*(unsigned int *)field = i;
			return 0;
		}
	}
	for (i = 0; opt->choices[i] != NULL; i++)
		buf_printf(&names, "%s%s", i == 0 ? "" : ", ", opt->choices[i]);
	*error_r = arena_printf(arena, "%s: invalid value '%s' (expected one of: %s)",
				opt->name, value, buf_cstr(&names));
	buf_free(&names);
	return -1;
}

static int
conf_store(const struct conf_option *opt, void *settings, struct arena *arena,
	   const char *value, const char **error_r)
{
	void *field = (char *)settings + opt->offset;

	switch (opt->type) {
	case CONF_STRING:
		*(const char **)field =
			value == NULL ? NULL : arena_strdup(arena, value);
		return 0;
	case CONF_LIST:
		*(const char *const **)field =
			conf_parse_list(arena, value == NULL ? "" : value);
		return 0;
	default:
		break;
	}
	if (value == NULL)
		value = "";
	switch (opt->type) {
	case CONF_BOOL:
		if (conf_parse_bool(value, (bool *)field) == 0)
			return 0;
		*error_r = arena_printf(arena, "%s: invalid boolean '%s' "
					"(use yes or no)", opt->name, value);
		return -1;
	case CONF_UINT:
	case CONF_TIME:
		return conf_store_number(opt, field, value, arena, error_r);
	case CONF_ENUM:
		return conf_store_enum(opt, field, value, arena, error_r);
	default:
		break;
	}
	*error_r = arena_printf(arena, "%s: unsupported option type", opt->name);
	return -1;
}

int
conf_defaults(const struct conf_option *table, void *settings,
	      struct arena *arena, const char **error_r)
{
	for (; table->name != NULL; table++) {
		if (conf_store(table, settings, arena, table->def, error_r) < 0)
			return -1;
	}
	return 0;
}

int
conf_set(const struct conf_option *table, void *settings, struct arena *arena,
	 const char *name, const char *value, const char **error_r)
{
	const struct conf_option *opt = conf_find(table, name);

	if (opt == NULL) {
		*error_r = arena_printf(arena, "%s: unknown option", name);
		return -1;
	}
	return conf_store(opt, settings, arena, value, error_r);
}

/* One logical line (with its continuation lines joined by a space) into
 * name and value; returns 0, 1 for a blank/comment line, -1 on error. */
static int
conf_split(struct arena *arena, enum conf_syntax syntax, struct sp_slice line,
	   const char **name_r, const char **value_r, const char **error_r)
{
	struct strparse sp;
	struct sp_slice name, value;

	sp_init(&sp, line.p, line.len);
	sp_skip_wsp(&sp);
	if (sp_eof(&sp) || sp_peek(&sp) == '#')
		return 1;
	if (syntax == CONF_SYNTAX_SPACE) {
		sp_until(&sp, " \t", &name);
		if (sp_eof(&sp)) {
			*error_r = arena_printf(arena, "%.*s: missing value",
						(int)name.len, name.p);
			return -1;
		}
	} else {
		sp_until(&sp, "=", &name);
		name = sp_slice_trim(name);
		if (!sp_char(&sp, '=') || name.len == 0) {
			*error_r = "missing '='";
			return -1;
		}
	}
	value.p = sp.p;
	value.len = sp_left(&sp);
	value = sp_slice_trim(value);
	*name_r = arena_strndup(arena, name.p, name.len);
	*value_r = arena_strndup(arena, value.p, value.len);
	return 0;
}

int
conf_read_buffer(const struct conf_option *table, void *settings,
		 struct arena *arena, const char *origin, const char *data,
		 size_t len, const char **error_r)
{
	return conf_read_buffer_syntax(table, settings, arena,
				       CONF_SYNTAX_EQUALS, origin, data, len,
				       error_r);
}

int
conf_read_buffer_syntax(const struct conf_option *table, void *settings,
			struct arena *arena, enum conf_syntax syntax,
			const char *origin, const char *data, size_t len,
			const char **error_r)
{
	struct strparse sp;
	struct sp_slice line;
	struct buf logical = BUF_INIT;
	unsigned int lineno = 0, start_line = 0;
	const char *name, *value, *err;
	int ret = 0, r;

	sp_init(&sp, data, len);
	while (ret == 0 && !(sp_eof(&sp) && logical.len == 0)) {
		bool more = !sp_eof(&sp);

		if (more) {
			sp_until(&sp, "\n", &line);
			sp_char(&sp, '\n');
			lineno++;
			if (syntax == CONF_SYNTAX_SPACE) {
				const char *hash = memchr(line.p, '#', line.len);

				if (hash != NULL)
					line.len = (size_t)(hash - line.p);
			}
			/* a continuation line joins the logical line */
			if (syntax == CONF_SYNTAX_EQUALS && line.len > 0 &&
			    sp_is_wsp((unsigned char)line.p[0]) &&
			    logical.len > 0) {
				line = sp_slice_trim(line);
				if (line.len > 0 && line.p[0] != '#') {
					buf_append_char(&logical, ' ');
					buf_append(&logical, line.p, line.len);
				}
				continue;
			}
		}
		if (logical.len > 0) {
			struct sp_slice l = {logical.data, logical.len};

			r = conf_split(arena, syntax, l, &name, &value, &err);
			if (r == 0 &&
			    conf_set(table, settings, arena, name, value, &err) < 0)
				r = -1;
			if (r < 0) {
				*error_r = arena_printf(arena, "%s:%u: %s", origin,
							start_line, err);
				ret = -1;
			}
			buf_reset(&logical);
		}
		if (!more)
			break;
		line = sp_slice_trim(line);
		if (line.len > 0 && line.p[0] != '#') {
			buf_append(&logical, line.p, line.len);
			start_line = lineno;
		}
	}
	buf_free(&logical);
	return ret;
}

int
conf_read_file(const struct conf_option *table, void *settings,
	       struct arena *arena, const char *path, const char **error_r)
{
	return conf_read_file_syntax(table, settings, arena,
				     CONF_SYNTAX_EQUALS, path, error_r);
}

int
conf_read_file_syntax(const struct conf_option *table, void *settings,
		      struct arena *arena, enum conf_syntax syntax,
		      const char *path, const char **error_r)
{
	struct ma_file file;
	const char *err;
	int ret;

	if (ma_file_read(path, CONF_FILE_MAX, 0, &file, &err) < 0) {
		*error_r = arena_printf(arena, "%s: %s", path, err);
		return -1;
	}
	ret = conf_read_buffer_syntax(table, settings, arena, syntax, path,
				      file.data, file.len, error_r);
	ma_file_free(&file);
	return ret;
}
