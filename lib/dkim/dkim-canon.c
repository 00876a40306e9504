/*
 * dkim-canon.c - RFC 6376 section 3.4 canonicalization (dkim-canon.h).
 *
 * Body: one scan (SSE2/AVX2 on x86-64, a byte loop elsewhere) finds the
 * first byte canonicalization may change; every whole line before it
 * (simple: any non-empty line ending in CRLF; relaxed: one without HTAB,
 * without two SP in a row and without trailing WSP) is passed to the
 * sink untouched from the caller's buffer, so CRLF mail costs one scan
 * and no copy.  A bare LF ending such a line becomes CRLF on the way.
 * Other lines go through the general byte rules and a small staging
 * buffer that batches small pieces for the hash.  Empty lines are
 * counted, not written, until a line with content follows (3.4.3,
 * 3.4.4: empty lines at the end are ignored).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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

static unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CANON_SWAR_ONES UINT64_C(0x0101010101010101)
#endif

/* The first byte <= SP at or after p, or end (the end of a run of value
 * text; 8 bytes a step where the byte order allows: a byte below 0x21
 * borrows in x - 0x21.., which sets its top bit, ~x drops bytes >= 0x80,
 * and the lowest flag is exact since borrows only run upwards). */
static const char *
canon_run_end(const char *p, const char *end)
{
#ifdef CANON_SWAR_ONES
	uint64_t x, t;

	for (; end - p >= 8; p += 8) {
		memcpy(&x, p, sizeof(x));
		t = (x - CANON_SWAR_ONES * 0x21) & ~x & CANON_SWAR_ONES * 0x80;
		if (t != 0)
			return p + __builtin_ctzll(t) / 8;
	}
#endif
	while (p < end && (unsigned char)*p > ' ')
		p++;
	return p;
}

/* The relaxed form (3.4.2) of the field raw[0..len) whose name ends at
 * `colon`, written at dst (at most len bytes): the name lower-cased
 * without WSP before the colon, the value unfolded, WSP runs made one
 * SP, none at either end.  Returns the end of what was written. */
static char *
canon_header_relaxed(const char *raw, size_t len, const char *colon,
		     char *dst)
{
	const char *p, *run, *end = raw + len;
	size_t n = (size_t)(colon - raw), i;
	char *o, *value;
	bool wsp = false;

	while (n > 0 && is_wsp((unsigned char)raw[n - 1]))
		n--;
	for (i = 0; i < n; i++)
		dst[i] = (char)ascii_lower((unsigned char)raw[i]);
	dst[n] = ':';
	o = value = dst + n + 1;
	for (p = colon + 1; p < end;) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			/* CRLF is unfolded away; WSP runs become one SP */
			wsp |= c == ' ' || c == '\t';
			p++;
			continue;
		}
		if (wsp && o > value)
			*o++ = ' ';
		wsp = false;
		run = p;
		p = canon_run_end(p + 1, end);
		memcpy(o, run, (size_t)(p - run));
		o += p - run;
	}
	return o;
}

void
dkim_canon_header(enum dkim_canon canon, const char *raw, size_t len,
		  bool crlf, struct buf *out)
{
	const char *colon;
	char *o;

	buf_reserve(out, len + 2);
	o = out->data + out->len;
	if (canon == DKIM_CANON_RELAXED &&
	    (colon = memchr(raw, ':', len)) != NULL) {
		o = canon_header_relaxed(raw, len, colon, o);
	} else {
		memcpy(o, raw, len);
		o += len;
	}
	if (crlf) {
		*o++ = '\r';
		*o++ = '\n';
	}
	*o = '\0';
	out->len = (size_t)(o - out->data);
}

/* Do a and b, n bytes each, match with ASCII letters compared
 * case-insensitively (field names, RFC 5322 1.2.2)? */
static bool
canon_name_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i] && ascii_lower((unsigned char)a[i]) !=
					    ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

/* The last field named `name` not yet used, now marked used, or nfields
 * when there is none (5.4.2). */
static size_t
canon_pick(const struct dkim_canon_field *fields, size_t nfields, bool *used,
	   const char *name)
{
	size_t n = strlen(name), j;

	for (j = nfields; j-- > 0;) {
		const struct dkim_canon_field *f = &fields[j];

		if (f->name_len != n || used[j] ||
		    !canon_name_eq(f->raw, name, n))
			continue;
		used[j] = true;
		return j;
	}
	return nfields;
}

/* Bookkeeping for this many fields and names lives on the stack. */
#define CANON_PICKS_ON_STACK 64

void
dkim_canon_signed_headers(enum dkim_canon canon,
			  const struct dkim_canon_field *fields,
			  size_t nfields, const char *const *names,
			  size_t nnames, struct buf *out)
{
	bool used_stack[CANON_PICKS_ON_STACK], *used = used_stack;
	size_t pick_stack[CANON_PICKS_ON_STACK], *pick = pick_stack;
	size_t i, need = 0;

	if (nfields > CANON_PICKS_ON_STACK)
		used = ma_calloc(nfields, sizeof(*used));
	else
		memset(used, 0, nfields * sizeof(*used));
	if (nnames > CANON_PICKS_ON_STACK)
		pick = ma_calloc(nnames, sizeof(*pick));
	for (i = 0; i < nnames; i++) {
		pick[i] = canon_pick(fields, nfields, used, names[i]);
		if (pick[i] < nfields)
			need += fields[pick[i]].len + 2;
	}
	if (need > 0)
		buf_reserve(out, need); /* the output grows once */
	for (i = 0; i < nnames; i++)
		if (pick[i] < nfields)
			dkim_canon_header(canon, fields[pick[i]].raw,
					  fields[pick[i]].len, true, out);
	if (used != used_stack)
		free(used);
	if (pick != pick_stack)
		free(pick);
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
	(void)dkim_body_canon_set_path(bc, DKIM_CANON_PATH_AUTO);
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

/* Unchanged input is handed to the sink in runs of at most this size
 * (scanned, then hashed while still in the CPU cache). */
#define CANON_RUN_MAX (16 * 1024)

/*
 * The scan.  At a line start with nothing held back, input passes to the
 * sink unchanged up to the first byte where canonicalization may change
 * something - an "anomaly" at i (p is where the scan started, a line
 * start):
 *   both:    LF not after CR (bare LF, or an empty LF-only line);
 *            CRLF at a line start (an empty line: held back, 3.4.3/3.4.4)
 *   relaxed: HTAB; SP followed by SP, CR or LF (a WSP run, trailing WSP)
 * A byte whose look-ahead lies beyond the data counts as an anomaly too.
 * The scanners return the first anomaly in [p, lim), or lim.
 */
static bool
canon_anomaly(const char *p, const char *i, const char *end, bool relaxed)
{
	switch (*i) {
	case '\n':
		return i == p || i[-1] != '\r';
	case '\r':
		return i + 1 == end ||
		       (i[1] == '\n' && (i == p || i[-1] == '\n'));
	case '\t':
		return relaxed;
	case ' ':
		return relaxed && (i + 1 == end || i[1] == ' ' ||
				   i[1] == '\r' || i[1] == '\n');
	default:
		return false;
	}
}

static const char *
scan_portable_from(const char *p, const char *i, const char *lim,
		   const char *end, bool relaxed)
{
	for (; i < lim; i++) {
		unsigned char c = (unsigned char)*i;

		if (c <= ' ' && canon_anomaly(p, i, end, relaxed))
			return i;
	}
	return lim;
}

/*
 * The vector scans go in two stages.  A cheap filter looks at 64
 * positions a step, each as the pair (a, b) of the byte before it and
 * the byte, and flags position j when
 *   simple:  b is LF and a is not CR; a is LF and b is CR (an empty line)
 *   relaxed: b is LF and a is not CR; b is HTAB; a and b are both <= SP
 *            and not CR LF (a WSP run, trailing WSP, an empty line)
 * Every anomaly at k is flagged at k or, when it is found by looking at
 * the byte after it (SP before SP, CR or LF), at k + 1: so a step
 * without a flag has no anomaly before its last position, and one with
 * flags is searched exactly by scan_locate().  The filter also flags a
 * few pairs that are fine (LF SP starting an indented line, control
 * bytes), which that exact test dismisses.
 */

/* The first anomaly among the positions flagged in `bits` (bit k:
 * position i + k, meaning an anomaly at i + k - 1 or i + k), or NULL.
 * Positions are tried in order, so the first found is the first. */
static const char *
scan_locate(const char *p, const char *i, uint64_t bits, const char *end,
	    bool relaxed)
{
	for (; bits != 0; bits &= bits - 1) {
		const char *j = i + __builtin_ctzll(bits);

		if (canon_anomaly(p, j - 1, end, relaxed))
			return j - 1;
		if (canon_anomaly(p, j, end, relaxed))
			return j;
	}
	return NULL;
}

/* The steps are instantiated for simple and for relaxed (a constant
 * `relaxed` leaves no test in the loop). */
#define CANON_INLINE inline __attribute__((always_inline))

#if defined(__SSE2__)
/* The filter for 16 positions from i (reads i-1 .. i+15). */
static CANON_INLINE __m128i
filter_sse2(const char *i, bool relaxed)
{
	const __m128i b = _mm_loadu_si128((const __m128i *)(const void *)i);
	const __m128i a =
		_mm_loadu_si128((const __m128i *)(const void *)(i - 1));
	const __m128i b_lf = _mm_cmpeq_epi8(b, _mm_set1_epi8('\n'));
	const __m128i a_cr = _mm_cmpeq_epi8(a, _mm_set1_epi8('\r'));
	const __m128i sp = _mm_set1_epi8(' ');
	__m128i low2;

	if (!relaxed)
		return _mm_or_si128(
			_mm_andnot_si128(a_cr, b_lf),
			_mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('\n')),
				      _mm_cmpeq_epi8(b, _mm_set1_epi8('\r'))));
	/* max(a, b, SP) == SP: both <= SP */
	low2 = _mm_cmpeq_epi8(_mm_max_epu8(_mm_max_epu8(a, b), sp), sp);
	return _mm_or_si128(
		_mm_andnot_si128(_mm_and_si128(a_cr, b_lf),
				 _mm_or_si128(low2, b_lf)),
		_mm_cmpeq_epi8(b, _mm_set1_epi8('\t')));
}

/* One step: the first anomaly flagged in the 64 positions from i, or
 * NULL. */
static CANON_INLINE const char *
scan_sse2_step(const char *p, const char *i, const char *end, bool relaxed)
{
	const __m128i f0 = filter_sse2(i, relaxed);
	const __m128i f1 = filter_sse2(i + 16, relaxed);
	const __m128i f2 = filter_sse2(i + 32, relaxed);
	const __m128i f3 = filter_sse2(i + 48, relaxed);
	uint64_t bits;

	if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(f0, f1),
					   _mm_or_si128(f2, f3))) == 0)
		return NULL;
	bits = (uint64_t)(unsigned int)_mm_movemask_epi8(f0) |
	       (uint64_t)(unsigned int)_mm_movemask_epi8(f1) << 16 |
	       (uint64_t)(unsigned int)_mm_movemask_epi8(f2) << 32 |
	       (uint64_t)(unsigned int)_mm_movemask_epi8(f3) << 48;
	return scan_locate(p, i, bits, end, relaxed);
}

/* Steps from p + 1; the last one overlaps the one before it so that it
 * ends at lim.  A step without flags leaves its last position open (an
 * anomaly there may show only in the byte after it), so the byte loop
 * looks at that one. */
static CANON_INLINE const char *
scan_sse2_steps(const char *p, const char *lim, const char *end,
		bool relaxed)
{
	const char *i = p + 1, *hit;
	size_t n;

	for (n = (size_t)(lim - i) / 64; n > 0; n--, i += 64)
		if ((hit = scan_sse2_step(p, i, end, relaxed)) != NULL)
			return hit;
	if (i < lim && i > p + 1) {
		if ((hit = scan_sse2_step(p, lim - 64, end, relaxed)) != NULL)
			return hit;
		i = lim;
	}
	return scan_portable_from(p, i - 1, lim, end, relaxed);
}

static const char *
scan_sse2(const char *p, const char *lim, const char *end, bool relaxed)
{
	if (canon_anomaly(p, p, end, relaxed))
		return p;
	return relaxed ? scan_sse2_steps(p, lim, end, true) :
			 scan_sse2_steps(p, lim, end, false);
}
#endif

#ifdef CANON_HAVE_AVX2
/* filter_sse2() for 32 positions from i (reads i-1 .. i+31). */
__attribute__((target("avx2"))) static CANON_INLINE __m256i
filter_avx2(const char *i, bool relaxed)
{
	const __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)i);
	const __m256i a =
		_mm256_loadu_si256((const __m256i *)(const void *)(i - 1));
	const __m256i b_lf = _mm256_cmpeq_epi8(b, _mm256_set1_epi8('\n'));
	const __m256i a_cr = _mm256_cmpeq_epi8(a, _mm256_set1_epi8('\r'));
	const __m256i sp = _mm256_set1_epi8(' ');
	__m256i low2;

	if (!relaxed)
		return _mm256_or_si256(
			_mm256_andnot_si256(a_cr, b_lf),
			_mm256_and_si256(
				_mm256_cmpeq_epi8(a, _mm256_set1_epi8('\n')),
				_mm256_cmpeq_epi8(b, _mm256_set1_epi8('\r'))));
	low2 = _mm256_cmpeq_epi8(
		_mm256_max_epu8(_mm256_max_epu8(a, b), sp), sp);
	return _mm256_or_si256(
		_mm256_andnot_si256(_mm256_and_si256(a_cr, b_lf),
				    _mm256_or_si256(low2, b_lf)),
		_mm256_cmpeq_epi8(b, _mm256_set1_epi8('\t')));
}

__attribute__((target("avx2"))) static CANON_INLINE const char *
scan_avx2_step(const char *p, const char *i, const char *end, bool relaxed)
{
	const __m256i f0 = filter_avx2(i, relaxed);
	const __m256i f1 = filter_avx2(i + 32, relaxed);
	const __m256i any = _mm256_or_si256(f0, f1);
	uint64_t bits;

	if (_mm256_testz_si256(any, any))
		return NULL;
	bits = (uint64_t)(unsigned int)_mm256_movemask_epi8(f0) |
	       (uint64_t)(unsigned int)_mm256_movemask_epi8(f1) << 32;
	return scan_locate(p, i, bits, end, relaxed);
}

/* scan_sse2_steps() with scan_avx2_step(). */
__attribute__((target("avx2"))) static CANON_INLINE const char *
scan_avx2_steps(const char *p, const char *lim, const char *end,
		bool relaxed)
{
	const char *i = p + 1, *hit;
	size_t n;

	for (n = (size_t)(lim - i) / 64; n > 0; n--, i += 64)
		if ((hit = scan_avx2_step(p, i, end, relaxed)) != NULL)
			return hit;
	if (i < lim && i > p + 1) {
		if ((hit = scan_avx2_step(p, lim - 64, end, relaxed)) != NULL)
			return hit;
		i = lim;
	}
	return scan_portable_from(p, i - 1, lim, end, relaxed);
}

__attribute__((target("avx2"))) static const char *
scan_avx2(const char *p, const char *lim, const char *end, bool relaxed)
{
	if (canon_anomaly(p, p, end, relaxed))
		return p;
	return relaxed ? scan_avx2_steps(p, lim, end, true) :
			 scan_avx2_steps(p, lim, end, false);
}
#endif

static const char *
canon_scan(const struct dkim_body_canon *bc, const char *p, const char *lim,
	   const char *end)
{
	bool relaxed = bc->canon == DKIM_CANON_RELAXED;

	switch (bc->path) {
#ifdef CANON_HAVE_AVX2
	case DKIM_CANON_PATH_AVX2:
		return scan_avx2(p, lim, end, relaxed);
#endif
#if defined(__SSE2__)
	case DKIM_CANON_PATH_SSE2:
		return scan_sse2(p, lim, end, relaxed);
#endif
	default:
		return scan_portable_from(p, p, lim, end, relaxed);
	}
}

/* DKIM_CANON_PATH_ENV names a path ("reference", "portable", "sse2",
 * "avx2"): AUTO for anything else. */
static enum dkim_canon_path
canon_path_from_env(void)
{
	static const char *const names[DKIM_CANON_PATH_COUNT] = {
		[DKIM_CANON_PATH_REFERENCE] = "reference",
		[DKIM_CANON_PATH_PORTABLE] = "portable",
		[DKIM_CANON_PATH_SSE2] = "sse2",
		[DKIM_CANON_PATH_AVX2] = "avx2",
	};
	const char *env = getenv(DKIM_CANON_PATH_ENV);
	int i;

	if (env == NULL)
		return DKIM_CANON_PATH_AUTO;
	for (i = 1; i < DKIM_CANON_PATH_COUNT; i++)
		if (strcmp(env, names[i]) == 0)
			return (enum dkim_canon_path)i;
	return DKIM_CANON_PATH_AUTO;
}

bool
dkim_body_canon_set_path(struct dkim_body_canon *bc, enum dkim_canon_path path)
{
	switch (path) {
	case DKIM_CANON_PATH_AUTO:
		path = canon_path_from_env();
		if (path != DKIM_CANON_PATH_AUTO &&
		    dkim_body_canon_set_path(bc, path))
			return true;
#ifdef CANON_HAVE_AVX2
		if (__builtin_cpu_supports("avx2")) {
			bc->path = DKIM_CANON_PATH_AVX2;
			return true;
		}
#endif
#if defined(__SSE2__)
		bc->path = DKIM_CANON_PATH_SSE2;
#else
		bc->path = DKIM_CANON_PATH_PORTABLE;
#endif
		return true;
	case DKIM_CANON_PATH_REFERENCE:
	case DKIM_CANON_PATH_PORTABLE:
		break;
	case DKIM_CANON_PATH_SSE2:
#if defined(__SSE2__)
		break;
#else
		return false;
#endif
	case DKIM_CANON_PATH_AVX2:
#ifdef CANON_HAVE_AVX2
		if (__builtin_cpu_supports("avx2"))
			break;
#endif
		return false;
	default:
		return false;
	}
	bc->path = (int)path;
	return true;
}

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

/* At a line start with nothing held back but empty lines: lines may
 * pass through. */
static bool
canon_fast_state(const struct dkim_body_canon *bc)
{
	return !bc->in_line && !bc->cr_pending && !bc->wsp_pending &&
	       bc->path != DKIM_CANON_PATH_REFERENCE;
}

/* Unchanged input that starts with a line with content: the empty lines
 * held back come first. */
static void
canon_run(struct dkim_body_canon *bc, const char *p, size_t len)
{
	for (; bc->empty_lines > 0; bc->empty_lines--)
		canon_out(bc, "\r\n", 2);
	canon_out(bc, p, len);
}

/* From a line start in the fast state: pass the lines before the first
 * anomaly (within CANON_RUN_MAX) through; a bare LF ending a line with
 * content becomes CRLF; the line with any other anomaly goes the general
 * way.  Returns where to go on. */
static const char *
canon_fast(struct dkim_body_canon *bc, const char *p, const char *end)
{
	const char *lim = (size_t)(end - p) > CANON_RUN_MAX ?
		p + CANON_RUN_MAX : end;
	const char *q = canon_scan(bc, p, lim, end), *lf, *line;

	lf = q > p ? memrchr(p, '\n', (size_t)(q - p)) : NULL;
	line = lf != NULL ? lf + 1 : p; /* the line q is in */
	if (q < lim && *q == '\n' && q > line) {
		canon_run(bc, p, (size_t)(q - p));
		canon_out(bc, "\r\n", 2);
		return q + 1;
	}
	if (line > p)
		canon_run(bc, p, (size_t)(line - p));
	if (q == lim && lim < end && line > p)
		return line; /* no anomaly yet: scan on */
	return canon_slow_line(bc, line, end);
}

void
dkim_body_canon_update(struct dkim_body_canon *bc, const void *data,
		       size_t len)
{
	const char *p = data, *end = p + len;

	while (p < end) {
		if (canon_fast_state(bc))
			p = canon_fast(bc, p, end);
		else
			p = canon_slow_line(bc, p, end);
	}
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
