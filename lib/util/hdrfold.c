/*
 * hdrfold.c - folding and quoting for structured header values (see
 * hdrfold.h).
 */
#include "config.h"

#include <string.h>

#include "util/buf.h"
#include "util/hdrfold.h"

void
hdrfold_init(struct hdrfold *f, struct buf *out, size_t name_len, bool crlf)
{
	f->out = out;
	f->col = name_len;
	f->eol = crlf ? "\r\n" : "\n";
}

void
hdrfold_break(struct hdrfold *f)
{
	/* the next word goes on a new line: mark it with an impossible
	 * column so that hdrfold_word() folds */
	f->col = (size_t)-1;
}

void
hdrfold_word(struct hdrfold *f, const char *word, size_t len, bool space)
{
	if (space && (f->col == (size_t)-1 ||
		      f->col + 1 + len > HDRFOLD_WIDTH)) {
		buf_append_str(f->out, f->eol);
		buf_append_char(f->out, '\t');
		f->col = 1;
	} else if (space) {
		buf_append_char(f->out, ' ');
		f->col++;
	}
	buf_append(f->out, word, len);
	f->col += len;
}

void
hdrfold_words(struct hdrfold *f, const char *text, bool space)
{
	while (*text != '\0') {
		size_t n = strcspn(text, " ");

		if (n > 0) {
			hdrfold_word(f, text, n, space);
			space = true;
		}
		text += n;
		while (*text == ' ')
			text++;
	}
}

static bool
is_tspecial(unsigned char c)
{
	return c != '\0' && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

bool
hdrfold_is_token(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f || is_tspecial(*p))
			return false;
	}
	return true;
}

/* RFC 5322 3.2.3 atext */
static bool
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

bool
hdrfold_is_dot_atom(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bool prev_dot = true; /* no leading dot */

	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (prev_dot)
				return false;
			prev_dot = true;
		} else if (is_atext(*p)) {
			prev_dot = false;
		} else {
			return false;
		}
	}
	return !prev_dot;
}

/* `open`, s with CR and LF made SP and the other `specials` behind a
 * backslash, `close`: the text between the special bytes is appended in
 * runs, not byte by byte. */
static void
append_escaped(struct buf *b, char open, const char *s, const char *specials,
	       char close)
{
	size_t n;

	buf_append_char(b, open);
	for (;;) {
		n = strcspn(s, specials);
		buf_append(b, s, n);
		s += n;
		if (*s == '\0')
			break;
		if (*s == '\r' || *s == '\n') {
			buf_append_char(b, ' ');
		} else {
			const char esc[2] = {'\\', *s};

			buf_append(b, esc, 2);
		}
		s++;
	}
	buf_append_char(b, close);
}

void
hdrfold_append_quoted(struct buf *b, const char *s)
{
	append_escaped(b, '"', s, "\r\n\"\\", '"');
}

void
hdrfold_append_comment(struct buf *b, const char *s)
{
	append_escaped(b, '(', s, "\r\n()\\", ')');
}

void
hdrfold_unfold(char *s)
{
	char *w, *lf = strchr(s, '\n');

	/* a fold starts with CRLF or LF: nothing to do before the first LF
	 * (found with strchr's speed), or at all without one */
	if (lf == NULL)
		return;
	s = lf > s && lf[-1] == '\r' ? lf - 1 : lf;
	w = s;

	while (*s != '\0') {
		size_t brk = s[0] == '\r' && s[1] == '\n' ? 2 : s[0] == '\n';

		if (brk > 0 && (s[brk] == ' ' || s[brk] == '\t')) {
			s += brk;
			while (*s == ' ' || *s == '\t')
				s++;
			*w++ = ' ';
			continue;
		}
		*w++ = *s++;
	}
	*w = '\0';
}
