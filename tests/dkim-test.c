/*
 * dkim-test.c - helpers shared by the DKIM test programs (dkim-test.h).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "dkim-test.h"
#include "harness.h"

char *
dkim_test_read(const char *rel, size_t *len_r)
{
	char path[1024], chunk[4096];
	struct buf b = BUF_INIT;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/dkim/%s", harness_testdata(), rel);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&b, chunk, n);
	fclose(fp);
	buf_append(&b, "", 0);
	return buf_steal(&b, len_r);
}

size_t
dkim_test_verify(struct dkim_keystore *ks, const char *msg, size_t len,
		 size_t step, time_t now, unsigned int max_sigs,
		 struct dkim_test_result *res, size_t max)
{
	struct dkim_verify_settings set;
	const struct dkim_verify_result *r;
	struct dkim_verify *v;
	size_t off, n, count, i;

	memset(&set, 0, sizeof(set));
	set.now = now;
	set.max_signatures = max_sigs;
	v = dkim_verify_new(&set, ks, NULL);
	if (step == 0)
		step = len == 0 ? 1 : len;
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		dkim_verify_push(v, msg + off, n);
	}
	dkim_verify_end(v);
	ck_assert(dkim_verify_done(v));
	r = dkim_verify_results(v, &count);
	for (i = 0; i < count && i < max; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].result = r[i].result;
		snprintf(res[i].reason, sizeof(res[i].reason), "%s",
			 r[i].reason != NULL ? r[i].reason : "");
		snprintf(res[i].domain, sizeof(res[i].domain), "%s",
			 r[i].domain != NULL ? r[i].domain : "");
		snprintf(res[i].selector, sizeof(res[i].selector), "%s",
			 r[i].selector != NULL ? r[i].selector : "");
		res[i].testing = r[i].testing;
	}
	dkim_verify_free(&v);
	ck_assert_ptr_null(v);
	return count;
}

void
dkim_test_keytable_local_data(struct buf *b)
{
	size_t len, i;
	char *kt = dkim_test_read("keytable.txt", &len), *line, *save = NULL;

	for (line = strtok_r(kt, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *rec = strchr(line, ' ');

		if (line[0] == '#' || rec == NULL)
			continue;
		*rec++ = '\0';
		buf_printf(b, "\tlocal-data: '%s. 300 IN TXT", line);
		for (i = 0; i < strlen(rec); i += 255)
			buf_printf(b, " \"%.255s\"", rec + i);
		buf_append_str(b, "'\n");
	}
	free(kt);
}
