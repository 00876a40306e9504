/*
 * file.h - the one bounded file reader of lib/: a whole file into memory,
 * at most `max` bytes (every caller names its limit), used by the config
 * reader, the DKIM private key loader, OpenDKIM's tables and the DKIM key
 * records file.
 *
 * A file larger than `max` is an error ("file too large"), whatever its
 * kind; so is a read error (strerror's text).  With MA_FILE_REGULAR
 * anything but a regular file is refused ("not a regular file"), a FIFO
 * without blocking in open().  With
 * MA_FILE_SECRET (key material) the data is read into one buffer of
 * max + 1 bytes that is never reallocated, so no copy is left behind in
 * freed memory, and ma_file_free() wipes it.
 *
 * Memory: file->data is malloc'ed, NUL-terminated after len bytes, and
 * owned by the caller until ma_file_free().  Error strings are static
 * (or strerror's); the caller prefixes the path.
 */
#ifndef MA_FILE_H
#define MA_FILE_H

#include <stddef.h>
#include <sys/types.h>

#define MA_FILE_REGULAR 0x1u /* refuse FIFOs, devices, directories */
#define MA_FILE_SECRET 0x2u  /* key material: no copies, wiped on free */

struct ma_file {
	char *data;	/* NUL-terminated; never NULL after success */
	size_t len;
	mode_t mode;	/* st_mode of the file read (permission checks) */
	size_t size;	/* allocated (internal) */
	unsigned int flags;
};

/* Read all of `path` (opened O_CLOEXEC) into *file_r: 0, or -1 with
 * *error_r set and *file_r empty (nothing to free, though
 * ma_file_free() on it is harmless). */
int ma_file_read(const char *path, size_t max, unsigned int flags,
		 struct ma_file *file_r, const char **error_r);

/* Free the data (wiped first with MA_FILE_SECRET); the struct is left
 * empty. */
void ma_file_free(struct ma_file *file);

#endif
