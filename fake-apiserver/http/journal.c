/* leaselab — fake-apiserver HTTP: the --state-file journal.
 *
 * Append-only JSON lines, one per committed write, written and fdatasync'd
 * from the store's commit hook, so a write is on disk before the client
 * hears about it (a failed write or sync vetoes the commit: 500, rolled
 * back):
 *   {"resource":"leases","deleted":false,"object":{...as committed...}}
 * On open the journal is replayed in order with fa_store_restore_json. A
 * kill -9 can leave only the last line torn (no newline, or not JSON): it
 * was never acknowledged, so it is dropped and the file cut back to the last
 * whole line. A bad line anywhere else is corruption and an error (path:line).
 * When the file has grown well past the live objects it is compacted: the
 * live objects (plus a final delete, which carries the newest revision) go
 * to PATH.tmp, which is synced and renamed over PATH. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fahttp.h"

/* Compact when the lines exceed this many per live object (plus slack). */
#define COMPACT_FACTOR 4
#define COMPACT_SLACK 4096

struct fahttp_journal {
	fa_store *store;
	int fd;
	int lock_fd; /* PATH.lock, locked while open */
	off_t size;  /* end of the last whole line */
	size_t dropped_bytes;
	char *path;
};

/* One server per journal: two appending to one file would each acknowledge
 * writes the other's restart never sees. The lock is on PATH.lock, not PATH,
 * because compaction renames a new file over PATH. */
static int lock_journal(const char *path, char *err, size_t errcap)
{
	size_t n = strlen(path) + 6;
	char *lp = malloc(n);
	if (lp == NULL) {
		snprintf(err, errcap, "%s: out of memory", path);
		return -1;
	}
	snprintf(lp, n, "%s.lock", path);
	int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errcap, "%s: %s", lp, strerror(errno));
		free(lp);
		return -1;
	}
	/* flock: held by the open file, so a second open in the same process
	 * conflicts too; the holder's pid is what it wrote into the file */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		char held[32] = "";
		ssize_t r = pread(fd, held, sizeof(held) - 1, 0);
		held[r > 0 ? r : 0] = '\0';
		held[strcspn(held, "\n")] = '\0';
		if (e == EWOULDBLOCK)
			snprintf(err, errcap,
				 "%s is in use by another fake-apiserver (pid %s holds "
				 "%s); two servers on one journal would lose writes",
				 path, held[0] != '\0' ? held : "unknown", lp);
		else
			snprintf(err, errcap, "%s: cannot lock: %s", lp, strerror(e));
		close(fd);
		free(lp);
		return -1;
	}
	char pid[32];
	int pl = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)pl, 0) != pl) {
		/* the pid in the file is informational; the lock is what counts */
	}
	free(lp);
	return fd;
}

char *fahttp_journal_line(fa_resource res, const cJSON *obj, bool deleted)
{
	char *o = cJSON_PrintUnformatted(obj);
	if (o == NULL)
		return NULL;
	const char *name = fa_resource_name(res);
	size_t n = strlen(o) + strlen(name) + 64;
	char *line = malloc(n);
	if (line != NULL)
		snprintf(line, n, "{\"resource\":\"%s\",\"deleted\":%s,\"object\":%s}",
			 name, deleted ? "true" : "false", o);
	free(o);
	return line;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int on_commit(void *ud, fa_resource res, const void *obj, bool deleted)
{
	fahttp_journal *j = ud;
	char *line = fahttp_journal_line(res, obj, deleted);
	if (line == NULL)
		return -1;
	size_t n = strlen(line);
	line[n] = '\n'; /* the NUL goes; the length says where it ends */
	int rc = write_all(j->fd, line, n + 1);
	free(line);
	if (rc == 0 && fdatasync(j->fd) == 0) {
		j->size += (off_t)(n + 1);
		return 0;
	}
	/* undo a partial line so the next append starts clean */
	if (ftruncate(j->fd, j->size) != 0 || lseek(j->fd, j->size, SEEK_SET) < 0) {
		/* the file is now suspect; keep refusing writes */
	}
	return -1;
}

static char *read_file(int fd, size_t *len, char *err, size_t errcap,
		       const char *path)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	char *buf = malloc(n + 1);
	if (buf == NULL) {
		snprintf(err, errcap, "%s: out of memory (%zu bytes)", path, n);
		return NULL;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* Replays one line; LE_EPARSE (not a journal line) or the restore error. */
static int replay_line(fa_store *s, char *line, size_t n, bool *deleted_out,
		       char *why, size_t whycap)
{
	cJSON *o = cJSON_ParseWithLength(line, n);
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "resource");
	const cJSON *del = cJSON_GetObjectItemCaseSensitive(o, "deleted");
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(o, "object");
	fa_resource r;
	if (!cJSON_IsString(res) || fa_resource_parse(res->valuestring, &r) != LE_OK ||
	    !cJSON_IsBool(del) || !cJSON_IsObject(obj)) {
		snprintf(why, whycap, "not a journal line (want {\"resource\",\"deleted\",\"object\"})");
		cJSON_Delete(o);
		return LE_EPARSE;
	}
	*deleted_out = cJSON_IsTrue(del);
	int rc = fa_store_restore_json(s, r, obj, *deleted_out, why, whycap);
	cJSON_Delete(o);
	return rc;
}

typedef struct replay_result {
	size_t lines;
	off_t good_end;           /* end of the last whole, replayed line */
	char *last_delete;        /* the last line, when it is a delete */
} replay_result;

static int replay(fa_store *s, char *buf, size_t len, const char *path,
		  replay_result *rr, char *err, size_t errcap)
{
	memset(rr, 0, sizeof(*rr));
	size_t pos = 0, lineno = 0;
	while (pos < len) {
		lineno++;
		char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;
		size_t next = nl != NULL ? pos + n + 1 : len;
		bool last = next >= len;
		if (n == 0) { /* blank line */
			pos = next;
			rr->good_end = (off_t)pos;
			continue;
		}
		if (nl == NULL)
			break; /* torn: never acknowledged */
		char why[600];
		bool deleted = false;
		int rc = replay_line(s, buf + pos, n, &deleted, why, sizeof(why));
		if (rc == LE_EPARSE && last)
			break; /* a garbled last line: torn as well */
		if (rc != LE_OK) {
			snprintf(err, errcap, "%s:%zu: %s", path, lineno, why);
			return rc;
		}
		rr->lines++;
		free(rr->last_delete);
		rr->last_delete = deleted ? strndup(buf + pos, n) : NULL;
		pos = next;
		rr->good_end = (off_t)pos;
	}
	return LE_OK;
}

static size_t live_objects(fa_store *s)
{
	size_t n = 0;
	for (int r = 0; r < FA_RES_COUNT; r++) {
		fa_status st;
		cJSON *list = fa_store_list_json(s, (fa_resource)r, NULL, &st);
		n += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(list, "items"));
		cJSON_Delete(list);
	}
	return n;
}

static int fsync_dir(const char *path)
{
	char *copy = strdup(path);
	if (copy == NULL)
		return -1;
	int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	free(copy);
	if (dfd < 0)
		return -1;
	int rc = fsync(dfd);
	close(dfd);
	return rc;
}

/* Writes the live objects (and last_delete) to path.tmp and renames it over
 * path. Returns the new fd (open for appending) or -1 with err set. */
static int compact(fa_store *s, const char *path, const char *last_delete,
		   off_t *size_out, char *err, size_t errcap)
{
	size_t tl = strlen(path) + 5;
	char *tmp = malloc(tl);
	if (tmp == NULL) {
		snprintf(err, errcap, "%s: out of memory", path);
		return -1;
	}
	snprintf(tmp, tl, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errcap, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	off_t size = 0;
	bool ok = true;
	for (int r = 0; r < FA_RES_COUNT && ok; r++) {
		fa_status st;
		cJSON *list = fa_store_list_json(s, (fa_resource)r, NULL, &st);
		const cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list, "items"))
		{
			char *line = fahttp_journal_line((fa_resource)r, it, false);
			ok = line != NULL && write_all(fd, line, strlen(line)) == 0 &&
			     write_all(fd, "\n", 1) == 0;
			if (line != NULL)
				size += (off_t)strlen(line) + 1;
			free(line);
			if (!ok)
				break;
		}
		cJSON_Delete(list);
	}
	if (ok && last_delete != NULL) {
		ok = write_all(fd, last_delete, strlen(last_delete)) == 0 &&
		     write_all(fd, "\n", 1) == 0;
		size += (off_t)strlen(last_delete) + 1;
	}
	ok = ok && fsync(fd) == 0 && rename(tmp, path) == 0 && fsync_dir(path) == 0;
	if (!ok) {
		snprintf(err, errcap, "compacting %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	*size_out = size;
	return fd;
}

fahttp_journal *fahttp_journal_open(const char *path, fa_store *store,
				    size_t *replayed, char *err, size_t errcap)
{
	fahttp_journal *j = calloc(1, sizeof(*j));
	if (j == NULL || (j->path = strdup(path)) == NULL) {
		free(j);
		snprintf(err, errcap, "%s: out of memory", path);
		return NULL;
	}
	j->store = store;
	j->fd = -1;
	j->lock_fd = -1;
	j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (j->fd < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* a journal on a device (the tests' /dev/full) has nobody to share it */
	struct stat jst;
	if (fstat(j->fd, &jst) == 0 && S_ISREG(jst.st_mode) &&
	    (j->lock_fd = lock_journal(path, err, errcap)) < 0)
		goto fail;
	size_t len = 0;
	char *buf = read_file(j->fd, &len, err, errcap, path);
	if (buf == NULL)
		goto fail;
	replay_result rr;
	int rc = replay(store, buf, len, path, &rr, err, errcap);
	free(buf);
	if (rc != LE_OK) {
		free(rr.last_delete);
		goto fail;
	}
	if (replayed != NULL)
		*replayed = rr.lines;
	j->dropped_bytes = len - (size_t)rr.good_end;
	if (rr.lines > 0)
		fa_store_mix_seed(store, fa_store_revision(store));
	if (rr.lines > COMPACT_FACTOR * live_objects(store) + COMPACT_SLACK) {
		off_t size;
		int fd = compact(store, path, rr.last_delete, &size, err, errcap);
		if (fd < 0) {
			free(rr.last_delete);
			goto fail;
		}
		close(j->fd);
		j->fd = fd;
		j->size = size;
	} else {
		j->size = rr.good_end;
		/* drop the torn tail so the next line starts on its own */
		if ((off_t)len != j->size && (ftruncate(j->fd, j->size) != 0 ||
					      fdatasync(j->fd) != 0)) {
			snprintf(err, errcap, "%s: cutting the torn last line: %s", path,
				 strerror(errno));
			free(rr.last_delete);
			goto fail;
		}
	}
	free(rr.last_delete);
	if (lseek(j->fd, j->size, SEEK_SET) < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fa_store_set_commit_hook(store, on_commit, j);
	return j;
fail:
	if (j->fd >= 0)
		close(j->fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	free(j->path);
	free(j);
	return NULL;
}

size_t fahttp_journal_dropped_bytes(const fahttp_journal *j)
{
	return j != NULL ? j->dropped_bytes : 0;
}

void fahttp_journal_close(fahttp_journal *j)
{
	if (j == NULL)
		return;
	fa_store_set_commit_hook(j->store, NULL, NULL);
	close(j->fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	free(j->path);
	free(j);
}
