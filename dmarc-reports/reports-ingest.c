/*
 * reports-ingest.c - `dmarc-reports ingest FILE|DIR...`: the reports in
 * mail already received (backfill), read as dkimcheck reads them at
 * delivery (lib/msgauth/msgauth-ingest.h) and stored the same way, one
 * T.RANDOM.rcvd file each, into HistoryDir or --out DIR; `import` takes
 * them into the database.
 *
 * What a path is: a directory with cur/ or new/ is a Maildir (every
 * message in both); another directory, every file in it; a file whose
 * first line starts "From " an mbox (split there, RFC 4155; ">From "
 * unquoted, mboxrd); a file starting with zip or gzip magic or XML a
 * bare report (as if it were a message's only attachment); anything
 * else one message (.eml).  Files are read in pieces: memory is the
 * ingest's, whatever the file's size.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-received.h"
#include "msgauth/msgauth-ingest-sniff.h"
#include "msgauth/msgauth-ingest.h"
#include "reports.h"

#define INGEST_PIECE 65536

struct ingest_run {
	struct reports *r;
	const char *out_dir;
	const char *file;	/* being read, for the log */
	unsigned long stored, refused, failed;
};

/* Untrusted text for a log line: control characters, '\\' and bytes
 * above 0x7e as \xHH, at most 200 octets. */
static const char *
log_safe(struct ingest_run *run, const char *s)
{
	struct buf b = BUF_INIT;
	const char *out;

	for (size_t i = 0; s != NULL && s[i] != '\0' && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e || c == '\\')
			buf_printf(&b, "\\x%02x", c);
		else
			buf_append_char(&b, (char)c);
	}
	out = arena_strdup(run->r->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static int
on_report(void *ctx, const struct dmarc_received *rep, const char *text,
	  size_t len)
{
	struct ingest_run *run = ctx;
	const char *err;

	if (msgauth_ingest_store(run->out_dir, text, len, &err) < 0) {
		ma_log_error(&run->r->log, "%s: store into %s: %s", run->file,
			     run->out_dir, err);
		run->failed++;
		return -1;
	}
	run->stored++;
	ma_log_info(&run->r->log, "%s: %s report %s from %s about %s stored",
		    run->file, dmarc_received_kind_str(rep->kind),
		    log_safe(run, rep->report_id), log_safe(run, rep->org_name),
		    log_safe(run, rep->policy_domain));
	return 0;
}

static void
on_refused(void *ctx, const char *part, const char *reason)
{
	struct ingest_run *run = ctx;

	run->refused++;
	ma_log_warn(&run->r->log, "%s: %s: refused: %s", run->file,
		    log_safe(run, part), reason);
}

static struct msgauth_ingest *
ingest_new(struct ingest_run *run)
{
	return msgauth_ingest_new(NULL, run->r->now, on_report, on_refused,
				  run);
}

static void
ingest_end(struct msgauth_ingest **in)
{
	msgauth_ingest_finish(*in);
	msgauth_ingest_free(in);
}

/* An mbox: messages split at "From " lines after an empty line (or at
 * the start). */
static void
ingest_mbox(struct ingest_run *run, FILE *f, char *piece)
{
	struct msgauth_ingest *in = NULL;
	bool at_start = true, prev_empty = true;
	size_t n;

	while (fgets(piece, INGEST_PIECE, f) != NULL) {
		n = strlen(piece);
		if (at_start && prev_empty && strncmp(piece, "From ", 5) == 0) {
			if (in != NULL)
				ingest_end(&in);
			in = ingest_new(run);
		} else if (in != NULL) {
			const char *p = piece;

			/* mboxrd: ">From " lines lose one '>' */
			if (at_start && piece[0] == '>' &&
			    strncmp(piece + strspn(piece, ">"), "From ", 5) ==
				    0) {
				p++;
				n--;
			}
			msgauth_ingest_feed(in, p, n);
		}
		if (at_start)
			prev_empty = strcmp(piece, "\n") == 0 ||
				strcmp(piece, "\r\n") == 0;
		at_start = n > 0 && piece[n - 1] == '\n';
	}
	if (in != NULL)
		ingest_end(&in);
}

static void
feed_str(struct msgauth_ingest *in, const char *s)
{
	msgauth_ingest_feed(in, s, strlen(s));
}

/* One file: an mbox, a bare report, or a message. */
static int
ingest_file(struct ingest_run *run, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *piece;
	size_t n;
	struct msgauth_ingest *in;
	const char *base;

	if (f == NULL) {
		ma_log_error(&run->r->log, "open(%s): %s", path,
			     strerror(errno));
		return -1;
	}
	run->file = path;
	piece = malloc(INGEST_PIECE);
	n = fread(piece, 1, INGEST_PIECE - 1, f);
	piece[n] = '\0';
	if (n >= 5 && strncmp(piece, "From ", 5) == 0) {
		rewind(f);
		ingest_mbox(run, f, piece);
	} else {
		in = ingest_new(run);
		if (msgauth_ingest_sniff(piece, n) !=
		    MSGAUTH_INGEST_NOT_REPORT) {
			/* a bare report: the only part of a message */
			base = strrchr(path, '/');
			base = base != NULL ? base + 1 : path;
			feed_str(in, "Content-Type: application/"
				 "octet-stream; name=\"");
			msgauth_ingest_feed(in, base, strcspn(base,
							      "\"\\\r\n"));
			feed_str(in, "\"\r\n\r\n");
		}
		do
			msgauth_ingest_feed(in, piece, n);
		while ((n = fread(piece, 1, INGEST_PIECE, f)) > 0);
		ingest_end(&in);
	}
	if (ferror(f)) {
		ma_log_error(&run->r->log, "read(%s): %s", path,
			     strerror(errno));
		run->failed++;
	}
	fclose(f);
	free(piece);
	return 0;
}

static int ingest_path(struct ingest_run *run, const char *path, int depth);

/* Every entry of `dir` (not starting with '.'). */
static int
ingest_dir(struct ingest_run *run, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (d == NULL) {
		ma_log_error(&run->r->log, "opendir(%s): %s", dir,
			     strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (ingest_path(run, arena_printf(run->r->arena, "%s/%s", dir,
						  e->d_name), depth + 1) < 0)
			ret = -1;
	}
	closedir(d);
	return ret;
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
ingest_path(struct ingest_run *run, const char *path, int depth)
{
	struct stat st;
	int ret = 0;

	if (stat(path, &st) < 0) {
		ma_log_error(&run->r->log, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return ingest_file(run, path);
	if (!S_ISDIR(st.st_mode) || depth > 1)
		return 0; /* below a directory: files only */
	const char *cur = arena_printf(run->r->arena, "%s/cur", path),
		   *new = arena_printf(run->r->arena, "%s/new", path);

	if (is_dir(cur) || is_dir(new)) {
		/* a Maildir: its messages, not its tmp/ */
		if (is_dir(cur) && ingest_dir(run, cur, 1) < 0)
			ret = -1;
		if (is_dir(new) && ingest_dir(run, new, 1) < 0)
			ret = -1;
		return ret;
	}
	return ingest_dir(run, path, depth);
}

int
reports_ingest(struct reports *r, char **paths, int npaths,
	       const char *out_dir)
{
	struct ingest_run run = { r, out_dir != NULL ? out_dir :
				  r->set.history_dir, NULL, 0, 0, 0 };
	int ret = 0;

	if (!is_dir(run.out_dir)) {
		ma_log_error(&r->log, "%s: not a directory", run.out_dir);
		return -1;
	}
	for (int i = 0; i < npaths; i++)
		if (ingest_path(&run, paths[i], 0) < 0)
			ret = -1;
	ma_log_info(&r->log, "ingest: %lu reports stored, %lu refused",
		    run.stored, run.refused);
	return ret < 0 || run.failed > 0 ? -1 : 0;
}
