/*
 * hdrfold.h - writing structured header field values: RFC 5322 folding
 * to a line width, and the quoting rules of RFC 2045 tokens,
 * RFC 5322 quoted-strings, dot-atoms and comments.
 *
 * Shared by the Authentication-Results writer (RFC 8601, authres.c) and
 * the Received-SPF writer (RFC 7208 9.1, spf/received-spf.c).
 *
 * A struct hdrfold appends words to a struct buf owned by the caller and
 * breaks the line (CRLF or LF, then one TAB) before a word that would
 * pass the width.  A single word longer than the width is never split.
 * Memory: nothing is allocated except by growing the caller's buf.
 */
#ifndef MA_HDRFOLD_H
#define MA_HDRFOLD_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* RFC 5322 2.1.1: lines SHOULD be no more than 78 characters. */
#define HDRFOLD_WIDTH 78

struct hdrfold {
	struct buf *out;
	size_t col;	 /* octets on the current line, field name included */
	const char *eol; /* "\r\n" or "\n" */
};

/* Start a value for a field whose "Name:" takes `name_len` octets. */
void hdrfold_init(struct hdrfold *f, struct buf *out, size_t name_len,
		  bool crlf);
/* Append `word` (len octets), preceded by a space or by a line break when
 * it would not fit; `space` false glues it to what precedes. */
void hdrfold_word(struct hdrfold *f, const char *word, size_t len,
		  bool space);
/* Append `text` word by word (split at spaces, each word may fold), the
 * first word preceded by a space if `space`: for comments, whose inner
 * white space is folding white space (RFC 5322 3.2.2). */
void hdrfold_words(struct hdrfold *f, const char *text, bool space);
/* Force a line break before the next word. */
void hdrfold_break(struct hdrfold *f);

/* RFC 2045 5.1 token: 1+ printable US-ASCII octets, no tspecials. */
bool hdrfold_is_token(const char *s);
/* RFC 5322 3.2.3 dot-atom-text. */
bool hdrfold_is_dot_atom(const char *s);
/* Append s as an RFC 5322 3.2.4 quoted-string ('"' and '\' escaped). */
void hdrfold_append_quoted(struct buf *b, const char *s);
/* Append s as an RFC 5322 3.2.2 comment: "(" s ")", with '(' ')' '\'
 * escaped and CR/LF turned into spaces. */
void hdrfold_append_comment(struct buf *b, const char *s);
/* Replace every line break followed by white space (a fold) with one
 * space, in place: the unfolded value of RFC 5322 2.2.3. */
void hdrfold_unfold(char *s);

#endif
