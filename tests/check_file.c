/*
 * check_file.c - lib/util/file.h, the one bounded file reader (issue 22:
 * it replaced four copies with four limits and three too-large
 * behaviours): a file of exactly `max` bytes is read, one byte more is
 * "file too large" whatever the kind of file, the data is NUL-terminated,
 * MA_FILE_REGULAR refuses devices, a missing file gives strerror's text,
 * and a secret read hands the same bytes.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "harness.h"

static char *
file_of(const char *dir, const char *name, size_t len, char fill)
{
	char *text = malloc(len + 1);
	char *path;

	memset(text, fill, len);
	text[len] = '\0';
	path = harness_write_file(dir, name, text);
	free(text);
	return path;
}

START_TEST(test_limits)
{
	char *dir = harness_tmpdir("file");
	char *exact = file_of(dir, "exact", 1000, 'a');
	char *over = file_of(dir, "over", 1001, 'b');
	char *empty = file_of(dir, "empty", 0, 'c');
	struct ma_file f;
	const char *err = NULL;

	ck_assert_int_eq(ma_file_read(exact, 1000, 0, &f, &err), 0);
	ck_assert_uint_eq(f.len, 1000);
	ck_assert_int_eq(f.data[999], 'a');
	ck_assert_int_eq(f.data[1000], '\0');
	ma_file_free(&f);
	ck_assert_ptr_null(f.data);

	ck_assert_int_eq(ma_file_read(over, 1000, 0, &f, &err), -1);
	harness_assert_str("one byte over", err, "file too large");
	ck_assert_ptr_null(f.data);
	ck_assert_int_eq(ma_file_read(over, 1000, MA_FILE_SECRET, &f, &err), -1);
	harness_assert_str("one byte over, secret", err, "file too large");

	ck_assert_int_eq(ma_file_read(empty, 1000, MA_FILE_REGULAR, &f, &err), 0);
	ck_assert_uint_eq(f.len, 0);
	harness_assert_str("empty", f.data, "");
	ma_file_free(&f);

	unlink(exact);
	unlink(over);
	unlink(empty);
	rmdir(dir);
	free(exact);
	free(over);
	free(empty);
	free(dir);
}
END_TEST

/* Files whose size fstat does not tell: grown as read, same limit. */
START_TEST(test_unsized)
{
	struct ma_file f;
	const char *err = NULL;

	ck_assert_int_eq(ma_file_read("/dev/zero", 20000, 0, &f, &err), -1);
	harness_assert_str("endless device", err, "file too large");
	ck_assert_int_eq(ma_file_read("/dev/null", 20000, 0, &f, &err), 0);
	ck_assert_uint_eq(f.len, 0);
	ma_file_free(&f);
	ck_assert_int_eq(ma_file_read("/dev/null", 20000, MA_FILE_REGULAR, &f,
				      &err), -1);
	harness_assert_str("device refused", err, "not a regular file");
}
END_TEST

/* A FIFO with no writer: refused at once, never a blocked open() (probe
 * 2026-12: a key file that is a FIFO hung the signer). */
START_TEST(test_fifo)
{
	char *dir = harness_tmpdir("file");
	char *path = harness_write_file(dir, "fifo", "");
	struct ma_file f;
	const char *err = NULL;

	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(ma_file_read(path, 100, MA_FILE_REGULAR |
				      MA_FILE_SECRET, &f, &err), -1);
	harness_assert_str("fifo refused", err, "not a regular file");
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_missing_and_secret)
{
	char *dir = harness_tmpdir("file");
	char *path = harness_write_file(dir, "key", "secret\n");
	char *missing = harness_write_file(dir, "gone", "");
	struct ma_file f;
	const char *err = NULL;

	unlink(missing);
	ck_assert_int_eq(ma_file_read(missing, 100, 0, &f, &err), -1);
	harness_assert_str("missing", err, strerror(ENOENT));

	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(ma_file_read(path, 64, MA_FILE_SECRET, &f, &err), 0);
	harness_assert_str("secret", f.data, "secret\n");
	ck_assert_uint_eq(f.len, 7);
	ck_assert_uint_eq(f.mode & 0777, 0600); /* for the key loader's check */
	ma_file_free(&f);
	ck_assert_ptr_null(f.data);

	unlink(path);
	rmdir(dir);
	free(path);
	free(missing);
	free(dir);
}
END_TEST

static Suite *
file_suite(void)
{
	Suite *s = suite_create("file");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_unsized);
	tcase_add_test(tc, test_fifo);
	tcase_add_test(tc, test_missing_and_secret);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_run_suite(file_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
