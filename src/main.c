/*
 * fcopy: copy files as fast as the kernel allows, without ever leaving a
 * half-written destination.  main() parses the command line, resolves
 * each SOURCE to its DEST, copies them one by one, and turns the results
 * into the exit status: 0 all copied or skipped, 1 any failed, 2 usage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy/attrs.h"
#include "fcopy/benchmark.h"
#include "fcopy/cli.h"
#include "fcopy/copy.h"
#include "fcopy/io.h"
#include "fcopy/msg.h"
#include "fcopy/signals.h"

static bool is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Return DIRECTORY/basename(source), ignoring trailing slashes of source. */
static char *join_basename(const char *directory, const char *source)
{
	size_t end = strlen(source);
	size_t start;
	size_t dir_len = strlen(directory);
	char *path;

	while (end > 1 && source[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && source[start - 1] != '/')
		start--;

	path = malloc(dir_len + 1 + (end - start) + 1);
	if (!path)
		return NULL;
	memcpy(path, directory, dir_len);
	if (dir_len == 0 || directory[dir_len - 1] != '/')
		path[dir_len++] = '/';
	memcpy(path + dir_len, source + start, end - start);
	path[dir_len + end - start] = '\0';
	return path;
}

/* DEST names already written by this run, so none is overwritten twice. */
struct written_names {
	char **names;
	int count;
};

static bool was_written(const struct written_names *written, const char *dest)
{
	for (int i = 0; i < written->count; i++)
		if (strcmp(written->names[i], dest) == 0)
			return true;
	return false;
}

/*
 * Copy source to DIRECTORY/basename(source).  Two sources with the same
 * base name would make the second replace the first's fresh copy, so the
 * second fails instead, as with cp.
 */
static int copy_into_directory(const struct fcopy_options *options,
			       const char *directory, const char *source,
			       struct written_names *written)
{
	char *dest;
	int rc;

	if (strcmp(source, "-") == 0) {
		msg_error("cannot copy standard input into directory %s: name "
			  "the destination file", msg_quote(directory));
		return -1;
	}
	dest = join_basename(directory, source);
	if (!dest) {
		msg_error_errno(errno, "cannot copy %s", msg_quote(source));
		return -1;
	}
	if (was_written(written, dest)) {
		msg_error("will not overwrite just-created %s with %s",
			  msg_quote(dest), msg_quote(source));
		free(dest);
		return -1;
	}

	rc = copy_file(options, source, dest);
	if (rc == 0 && written->names)
		written->names[written->count++] = dest;
	else
		free(dest);
	return rc;
}

/* SOURCE... DIRECTORY, or -t DIRECTORY SOURCE...: each file into it. */
static int copy_all_into(const struct fcopy_options *options,
			 const char *directory, char **sources, int count)
{
	struct written_names written = { calloc((size_t)count, sizeof(char *)), 0 };
	struct stat st;
	int status = EXIT_OK;

	int err = stat(directory, &st) < 0 ? errno
		  : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;

	if (err) {
		msg_error_errno(err, "target directory %s", msg_quote(directory));
		free(written.names);
		return EXIT_FAILED;
	}
	for (int i = 0; i < count; i++)
		if (copy_into_directory(options, directory, sources[i],
					&written) < 0)
			status = EXIT_FAILED;

	for (int i = 0; i < written.count; i++)
		free(written.names[i]);
	free(written.names);
	return status;
}

/* SOURCE DEST: DEST may still name a directory, unless -T. */
static int copy_pair(const struct fcopy_options *options, const char *source,
		     const char *dest)
{
	struct written_names none = { NULL, 0 };
	size_t len = strlen(dest);
	bool directory = strcmp(dest, "-") != 0 && is_directory(dest);

	if (directory && !options->no_target_directory)
		return copy_into_directory(options, dest, source, &none) < 0
		       ? EXIT_FAILED : EXIT_OK;

	/* "name/" promises a directory: never create a file called name. */
	if (!directory && len > 0 && dest[len - 1] == '/') {
		msg_error_errno(ENOTDIR, "cannot create regular file %s",
				msg_quote(dest));
		return EXIT_FAILED;
	}
	return copy_file(options, source, dest) < 0 ? EXIT_FAILED : EXIT_OK;
}

int main(int argc, char **argv)
{
	struct fcopy_options options;
	char **operands;
	int count;
	int status;

	switch (cli_parse(argc, argv, &options)) {
	case CLI_DONE:
		return EXIT_OK;
	case CLI_USAGE_ERROR:
		return EXIT_USAGE;
	case CLI_OUTPUT_ERROR:
		return EXIT_FAILED;
	case CLI_RUN:
		break;
	}

	attrs_init();
	if (signals_install() < 0) {
		msg_error_errno(errno, "cannot install signal handlers");
		return EXIT_FAILED;
	}

	operands = options.operands;
	count = options.operand_count;
	if (options.benchmark)
		return benchmark_run(&options, operands[0], operands[1]) < 0
		       ? EXIT_FAILED : EXIT_OK;
	if (options.target_directory)
		status = copy_all_into(&options, options.target_directory,
				       operands, count);
	else if (count > 2)
		status = copy_all_into(&options, operands[count - 1], operands,
				       count - 1);
	else
		status = copy_pair(&options, operands[0], operands[1]);
	return status;
}
