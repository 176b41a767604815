/* reports/files.c — where the report writers put their bytes: directories
 * made on demand, one write per file. Used by report.c and suite.c alike. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "report_int.h"

/* Fills err (if any) without disturbing errno for the caller. */
static int mkdir_failed(const char *path, int rc, char *err, size_t errcap)
{
	int e = errno;
	if (err != NULL && errcap > 0)
		snprintf(err, errcap, "%s: %s", path,
			 rc == LE_ERANGE ? "path too long" : strerror(e));
	errno = e;
	return rc;
}

int rep_mkdirs(const char *dir, char *err, size_t errcap)
{
	char path[SIM_PATH_MAX];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return mkdir_failed(dir, LE_ERANGE, err, errcap);
	}
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return mkdir_failed(path, LE_EIO, err, errcap);
		*p = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return mkdir_failed(path, LE_EIO, err, errcap);
	return LE_OK;
}

int rep_write_buf(const rbuf *b, const char *dir, const char *name, char *err,
		  size_t errcap)
{
	char path[SIM_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int rc = rb_write_file(b, path);
	if (rc != 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(-rc));
		return LE_EIO;
	}
	return LE_OK;
}
