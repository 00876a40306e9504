/*
 * dkim-canon.c - RFC 6376 section 3.4 canonicalization (dkim-canon.h).
 *
 * Body: lines are found with memchr().  A line that needs no change
 * (simple: any non-empty line ending in CRLF; relaxed: one without HTAB,
 * without two SP in a row and without trailing WSP) joins a run of input
 * that is passed to the sink untouched, so CRLF mail costs one memchr()
 * pass and no copy.  Everything else goes through a small staging
 * buffer.  Empty lines are counted, not written, until a line with
 * content follows (3.4.3, 3.4.4: empty lines at the end are ignored).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CANON_HAVE_AVX2 1
#endif

#include "dkim/dkim-canon.h"
#include "util/xalloc.h"

static bool
is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

void
dkim_canon_header(enum dkim_canon canon, const char *raw, size_t len,
		  bool crlf, struct buf *out)
{
	const char *colon, *p, *run, *end = raw + len;
	size_t n, i;
	bool wsp = false, any = false;
	char *dst, *o;

	if (canon == DKIM_CANON_SIMPLE ||
	    (colon = memchr(raw, ':', len)) == NULL) {
		buf_append(out, raw, len);
		goto done;
	}
	/* 3.4.2: lower-case name, no WSP before the colon, the value
	 * unfolded, WSP runs made one SP, none at either end */
	n = (size_t)(colon - raw);
	while (n > 0 && is_wsp((unsigned char)raw[n - 1]))
		n--;
	buf_reserve(out, n + 1 + len);
	dst = out->data + out->len;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	dst[n] = ':';
	o = dst + n + 1;
	for (p = colon + 1; p < end;) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			/* CRLF is unfolded away; WSP runs become one SP */
			wsp |= c == ' ' || c == '\t';
			p++;
			continue;
		}
		if (wsp && any)
			*o++ = ' ';
		wsp = false;
		any = true;
		for (run = p++; p < end && (unsigned char)*p > ' '; p++)
			;
		memcpy(o, run, (size_t)(p - run));
		o += p - run;
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
done:
	if (crlf)
		buf_append(out, "\r\n", 2);
}

void
dkim_canon_signed_headers(enum dkim_canon canon,
			  const struct dkim_canon_field *fields,
			  size_t nfields, const char *const *names,
			  size_t nnames, struct buf *out)
{
	bool *used = ma_calloc(nfields + 1, sizeof(bool));
	size_t i, j, n;

	for (i = 0; i < nnames; i++) {
		n = strlen(names[i]);
		for (j = nfields; j-- > 0;) {
			const struct dkim_canon_field *f = &fields[j];

			if (used[j] || f->name_len != n ||
			    strncasecmp(f->raw, names[i], n) != 0)
				continue;
			used[j] = true;
			dkim_canon_header(canon, f->raw, f->len, true, out);
			break;
		}
	}
	free(used);
}

void
dkim_body_canon_init(struct dkim_body_canon *bc, enum dkim_canon canon,
		     uint64_t limit, dkim_canon_sink_t *sink,
		     void *sink_context)
{
	memset(bc, 0, offsetof(struct dkim_body_canon, stage));
	bc->canon = canon;
	bc->limit = limit;
	bc->sink = sink;
	bc->sink_context = sink_context;
#ifdef CANON_HAVE_AVX2
	bc->avx2 = canon == DKIM_CANON_RELAXED && __builtin_cpu_supports("avx2");
#endif
}

/* Hand canonical bytes to the sink, cut at the l= limit. */
static void
canon_emit(struct dkim_body_canon *bc, const void *data, size_t len)
{
	uint64_t before = bc->length;

	bc->length += len;
	if (before >= bc->limit || len == 0)
		return;
	if (bc->limit - before < len)
		len = (size_t)(bc->limit - before);
	bc->sink(bc->sink_context, data, len);
}

static void
canon_flush(struct dkim_body_canon *bc)
{
	if (bc->staged > 0) {
		size_t n = bc->staged;

		bc->staged = 0;
		canon_emit(bc, bc->stage, n);
	}
}

static void
canon_out(struct dkim_body_canon *bc, const void *data, size_t len)
{
	if (len > sizeof(bc->stage) - bc->staged) {
		canon_flush(bc);
		if (len >= sizeof(bc->stage) / 2) {
			canon_emit(bc, data, len);
			return;
		}
	}
	memcpy(bc->stage + bc->staged, data, len);
	bc->staged += len;
}

/* The current line has content: write the empty lines held back. */
static void
canon_line_content(struct dkim_body_canon *bc)
{
	if (bc->in_line)
		return;
	for (; bc->empty_lines > 0; bc->empty_lines--)
		canon_out(bc, "\r\n", 2);
	bc->in_line = true;
}

static void
canon_line_end(struct dkim_body_canon *bc)
{
	bc->wsp_pending = false;
	if (bc->in_line) {
		canon_out(bc, "\r\n", 2);
		bc->in_line = false;
	} else {
		bc->empty_lines++;
	}
}

/* Part of a line (no line end in it), byte by byte rules. */
static void
canon_segment(struct dkim_body_canon *bc, const char *p, size_t len)
{
	const char *end = p + len, *run;

	if (bc->canon == DKIM_CANON_SIMPLE) {
		if (len > 0) {
			canon_line_content(bc);
			canon_out(bc, p, len);
		}
		return;
	}
	while (p < end) {
		if (is_wsp((unsigned char)*p)) {
			bc->wsp_pending = true;
			p++;
			continue;
		}
		for (run = p; p < end && !is_wsp((unsigned char)*p); p++)
			;
		canon_line_content(bc);
		if (bc->wsp_pending)
			canon_out(bc, " ", 1);
		bc->wsp_pending = false;
		canon_out(bc, run, (size_t)(p - run));
	}
}

/* Unchanged input is handed to the sink in runs of about this size, so
 * that the hash reads it while it is still in the CPU cache. */
#define CANON_RUN_MAX (16 * 1024)

/* Relaxed fast path: the first byte at or after p that relaxed
 * canonicalization may change or that ends a line - HTAB, LF, or SP
 * followed by SP, CR or LF (or by the end of the data) - or end. */
static const char *
relaxed_scan(const char *p, const char *end)
{
#if defined(__SSE2__)
	const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
	const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');

	while (end - p > 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i n = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
		__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, tab),
					   _mm_cmpeq_epi8(v, lf));
		__m128i next = _mm_or_si128(_mm_cmpeq_epi8(n, sp),
					    _mm_or_si128(_mm_cmpeq_epi8(n, cr),
							 _mm_cmpeq_epi8(n, lf)));
		int bits;

		hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(v, sp), next));
		if ((bits = _mm_movemask_epi8(hit)) != 0)
			return p + __builtin_ctz((unsigned int)bits);
		p += 16;
	}
#endif
	for (; p < end; p++) {
		if (*p == '\t' || *p == '\n')
			return p;
		if (*p == ' ' && (p + 1 == end || p[1] == ' ' || p[1] == '\r' ||
				  p[1] == '\n'))
			return p;
	}
	return end;
}

#ifdef CANON_HAVE_AVX2
/* relaxed_scan() 32 bytes at a time, on CPUs with AVX2 (chosen once per
 * body in dkim_body_canon_init()). */
__attribute__((target("avx2"))) static const char *
relaxed_scan_avx2(const char *p, const char *end)
{
	const __m256i sp = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');
	const __m256i lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');

	while (end - p > 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i n = _mm256_loadu_si256(
			(const __m256i *)(const void *)(p + 1));
		__m256i hit = _mm256_or_si256(_mm256_cmpeq_epi8(v, tab),
					      _mm256_cmpeq_epi8(v, lf));
		__m256i next = _mm256_or_si256(
			_mm256_cmpeq_epi8(n, sp),
			_mm256_or_si256(_mm256_cmpeq_epi8(n, cr),
					_mm256_cmpeq_epi8(n, lf)));
		unsigned int bits;

		hit = _mm256_or_si256(hit, _mm256_and_si256(
						   _mm256_cmpeq_epi8(v, sp), next));
		bits = (unsigned int)_mm256_movemask_epi8(hit);
		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 32;
	}
	return relaxed_scan(p, end);
}
#endif

/* One line by the general rules: from p up to and including its LF, or
 * to end for a partial line.  Returns where the next line starts. */
static const char *
canon_slow_line(struct dkim_body_canon *bc, const char *p, const char *end)
{
	const char *lf;
	size_t n;

	if (bc->cr_pending) {
		bc->cr_pending = false;
		if (*p == '\n') {
			canon_line_end(bc);
			return p + 1;
		}
		canon_segment(bc, "\r", 1);
	}
	lf = memchr(p, '\n', (size_t)(end - p));
	if (lf == NULL) {
		n = (size_t)(end - p);
		if (n > 0 && end[-1] == '\r') {
			n--;
			bc->cr_pending = true;
		}
		canon_segment(bc, p, n);
		return end;
	}
	n = (size_t)(lf - p);
	if (n > 0 && lf[-1] == '\r')
		n--;
	canon_segment(bc, p, n);
	canon_line_end(bc);
	return lf + 1;
}

/* At a line start with nothing held back: lines may pass through. */
static bool
canon_fast_state(const struct dkim_body_canon *bc)
{
	return !bc->in_line && !bc->wsp_pending && !bc->cr_pending &&
	       bc->empty_lines == 0;
}

/* Simple: every non-empty CRLF line passes through; the others (empty,
 * LF-only) go the general way. */
static void
canon_update_simple(struct dkim_body_canon *bc, const char *p,
		    const char *end)
{
	const char *run, *lf;

	while (p < end) {
		if (!canon_fast_state(bc)) {
			p = canon_slow_line(bc, p, end);
			continue;
		}
		for (run = p; p < end; p = lf + 1) {
			lf = memchr(p, '\n', (size_t)(end - p));
			if (lf == NULL || lf - p < 2 || lf[-1] != '\r')
				break;
			if (lf + 1 - run >= CANON_RUN_MAX) {
				canon_out(bc, run, (size_t)(lf + 1 - run));
				run = lf + 1;
			}
		}
		if (p > run)
			canon_out(bc, run, (size_t)(p - run));
		if (p < end)
			p = canon_slow_line(bc, p, end);
	}
}

/* Relaxed: lines without HTAB, double SP or trailing WSP pass through;
 * LF-only ones get CRLF; the others go the general way. */
static void
canon_update_relaxed(struct dkim_body_canon *bc, const char *p,
		     const char *end)
{
	const char *run, *line, *q;

	while (p < end) {
		if (!canon_fast_state(bc)) {
			p = canon_slow_line(bc, p, end);
			continue;
		}
		for (run = line = p;; p = line = q + 1) {
#ifdef CANON_HAVE_AVX2
			q = bc->avx2 ? relaxed_scan_avx2(p, end) :
				       relaxed_scan(p, end);
#else
			q = relaxed_scan(p, end);
#endif
			if (q == end || *q != '\n' || q == line ||
			    (q[-1] == '\r' && q - 1 == line))
				break;
			if (q[-1] == '\r') {
				/* clean CRLF line; hash in cache-sized runs */
				if (q + 1 - run >= CANON_RUN_MAX) {
					canon_out(bc, run, (size_t)(q + 1 - run));
					run = q + 1;
				}
				continue;
			}
			canon_out(bc, run, (size_t)(q - run));
			canon_out(bc, "\r\n", 2);
			run = q + 1;
		}
		if (line > run)
			canon_out(bc, run, (size_t)(line - run));
		p = canon_slow_line(bc, line, end);
	}
}

void
dkim_body_canon_update(struct dkim_body_canon *bc, const void *data,
		       size_t len)
{
	const char *p = data;

	if (bc->canon == DKIM_CANON_SIMPLE)
		canon_update_simple(bc, p, p + len);
	else
		canon_update_relaxed(bc, p, p + len);
}

void
dkim_body_canon_final(struct dkim_body_canon *bc)
{
	if (bc->cr_pending) {
		bc->cr_pending = false;
		canon_segment(bc, "\r", 1);
	}
	if (bc->in_line)
		canon_line_end(bc);
	if (bc->canon == DKIM_CANON_SIMPLE && bc->length + bc->staged == 0)
		canon_out(bc, "\r\n", 2);
	canon_flush(bc);
}
