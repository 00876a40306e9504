/*
 * dkimcheck-stream.c - our field prepended, forged fields cut out (see
 * dkimcheck-stream.h).
 */
#include "lib.h"
#include "array.h"
#include "str.h"
#include "istream.h"
#include "istream-concat.h"

#include "dkimcheck-stream.h"

struct istream *
dkimcheck_stream_create(struct istream *input, uoff_t input_size,
			const char *authres_value,
			const struct dkimcheck_drop *drops, size_t ndrops,
			uoff_t *size_r)
{
	ARRAY(struct istream *) parts;
	struct istream *part, *output, **p;
	string_t *field = t_str_new(256);
	uoff_t pos = 0, dropped = 0;
	size_t i;

	t_array_init(&parts, ndrops + 3);
	str_printfa(field, "Authentication-Results: %s\r\n", authres_value);
	part = i_stream_create_copy_from_data(str_data(field), str_len(field));
	array_push_back(&parts, &part);
	for (i = 0; i < ndrops; i++) {
		/* verified by the caller: in order, inside the header */
		i_assert(drops[i].offset >= pos);
		if (drops[i].offset > pos) {
			part = i_stream_create_range(input, pos,
						     drops[i].offset - pos);
			array_push_back(&parts, &part);
		}
		pos = drops[i].offset + drops[i].length;
		dropped += drops[i].length;
	}
	part = i_stream_create_range(input, pos, UOFF_T_MAX);
	array_push_back(&parts, &part);
	array_append_zero(&parts);

	output = i_stream_create_concat(array_front_modifiable(&parts));
	i_stream_set_name(output, "<dkimcheck DATA>");
	array_foreach_modifiable(&parts, p) {
		if (*p != NULL)
			i_stream_unref(p);
	}
	*size_r = input_size + str_len(field) - dropped;
	return output;
}
