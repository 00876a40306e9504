/*
 * conf.h - the one configuration reader every front-end uses.
 *
 * A front-end describes its settings as a table of struct conf_option
 * (name, type, default, where the value goes, limits) over a settings
 * struct of its own, Postfix-style.  conf_read_file() reads
 *
 *     # comment
 *     Name = value
 *        continuation lines start with white space
 *
 * validates every value, and reports the first problem as
 * "FILE:LINE: NAME: problem".  Unknown names are errors.  Names are matched
 * ASCII case-insensitively (pypolicyd-spf writes HELO_reject, users write
 * helo_reject).  conf_set() applies one name=value pair, for command-line
 * overrides and for Dovecot plugin settings.
 *
 * Value types and what is stored at `offset` in the settings struct:
 *   CONF_STRING  const char *           (NULL when the default is NULL)
 *   CONF_BOOL    bool                   yes/no, true/false, on/off, 1/0
 *   CONF_UINT    unsigned int           decimal, min..max
 *   CONF_TIME    unsigned int (ms)      N (seconds), Nms, Ns, Nm, Nh
 *   CONF_ENUM    unsigned int           index into `choices` (a
 *                                       NULL-terminated array), matched
 *                                       case-insensitively
 *   CONF_LIST    const char *const *    NULL-terminated; items separated
 *                                       by commas and/or white space
 *
 * Memory: strings and lists are allocated from the arena passed in, which
 * must live as long as the settings; building a fresh arena + settings
 * and swapping them is how a reload works.
 */
#ifndef MA_CONF_H
#define MA_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

enum conf_type {
	CONF_STRING,
	CONF_BOOL,
	CONF_UINT,
	CONF_TIME,
	CONF_ENUM,
	CONF_LIST,
};

struct conf_option {
	const char *name;
	enum conf_type type;
	const char *def; /* default, in the same syntax as the file */
	size_t offset;	 /* offsetof(struct my_settings, field) */
	unsigned int min, max; /* CONF_UINT / CONF_TIME (ms); 0,0 = any */
	const char *const *choices; /* CONF_ENUM */
};

/* Fill `settings` with every option's default.  Returns 0, or -1 if a
 * default itself is invalid (a programming error, described in error_r). */
int conf_defaults(const struct conf_option *table, void *settings,
		  struct arena *arena, const char **error_r);

/* Apply one name=value.  -1 with "NAME: problem" in *error_r (allocated
 * from arena) for an unknown name or an invalid value. */
int conf_set(const struct conf_option *table, void *settings,
	     struct arena *arena, const char *name, const char *value,
	     const char **error_r);

/* Read a whole file on top of the current settings.  -1 with
 * "PATH:LINE: NAME: problem" (or "PATH: strerror") in *error_r. */
int conf_read_file(const struct conf_option *table, void *settings,
		   struct arena *arena, const char *path, const char **error_r);

/* Same, from a buffer; `origin` names it in messages. */
int conf_read_buffer(const struct conf_option *table, void *settings,
		     struct arena *arena, const char *origin, const char *data,
		     size_t len, const char **error_r);

/* The line syntax of a file: "Name = value" with continuation lines
 * (above), or OpenDKIM's (opendkim.conf(5)): "Name value" separated by
 * white space, a '#' anywhere starting a comment, no continuation
 * lines. */
enum conf_syntax {
	CONF_SYNTAX_EQUALS,
	CONF_SYNTAX_SPACE,
};

int conf_read_file_syntax(const struct conf_option *table, void *settings,
			  struct arena *arena, enum conf_syntax syntax,
			  const char *path, const char **error_r);
int conf_read_buffer_syntax(const struct conf_option *table, void *settings,
			    struct arena *arena, enum conf_syntax syntax,
			    const char *origin, const char *data, size_t len,
			    const char **error_r);

#endif
