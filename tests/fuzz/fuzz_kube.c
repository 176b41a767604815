/* Fuzz what libleaselab-io reads from outside: kubeconfig files, apiserver
 * responses (Status bodies and lock objects), durations and the sidecar's
 * command line. Every input must end in a result or a clear error, never a
 * crash, leak or out-of-bounds read. The first byte picks the reader. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../elector/io/sidecar.h"
#include "leaselab/kube.h"
#include "leaselab/run.h"

static void fuzz_kubeconfig(const uint8_t *d, size_t n)
{
	char path[] = "/tmp/fuzz-kubeconfig-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return;
	if (write(fd, d, n) != (ssize_t)n) {
		close(fd);
		unlink(path);
		return;
	}
	close(fd);
	const char *paths[2] = {path, path};
	char err[LE_ERRMSG_MAX];
	le_kube_config kc;
	if (le_kubeconfig_load_files(paths, 2, false, NULL, &kc, err, sizeof err) == LE_OK)
		le_kube_config_free(&kc);
	if (le_kubeconfig_load_files(paths, 1, false, "x", &kc, err, sizeof err) == LE_OK)
		le_kube_config_free(&kc);
	unlink(path);
}

static void fuzz_response(const uint8_t *d, size_t n)
{
	static const int codes[] = {200, 201, 403, 409, 500};
	char reason[64], msg[1024];
	le_kube_decode_status(n ? 403 : 200, (const char *)d, n, reason, sizeof reason, msg,
			      sizeof msg);
	for (int k = 0; k < 3; k++) {
		le_lock_client *c = le_lock_client_new((le_lock_kind)k, "default", "x");
		le_response r;
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
			le_lock_client_response(c, 1, LE_OP_GET, codes[i], (const char *)d, n, NULL,
						&r);
		/* and build an update on whatever got cached */
		le_request q;
		memset(&q, 0, sizeof q);
		q.op = LE_OP_UPDATE;
		le_record_clear(&q.record);
		le_http_request h;
		char err[256];
		le_lock_client_build(c, &q, LE_NS_PER_S, &h, err, sizeof err);
		le_lock_client_free(c);
	}
}

static void fuzz_args(const uint8_t *d, size_t n)
{
	char *copy = malloc(n + 1);
	char *argv[64] = {"elector"};
	int argc = 1;
	if (!copy)
		return;
	memcpy(copy, d, n);
	copy[n] = '\0';
	int64_t ns;
	char err[LE_ERRMSG_MAX];
	le_parse_duration(copy, &ns, err, sizeof err);
	for (char *p = copy; argc < 63 && p < copy + n; p += strlen(p) + 1)
		argv[argc++] = p;
	le_sidecar_opts o;
	if (le_sidecar_parse(argc, argv, "host", &o, err, sizeof err) == LE_OK && !o.help &&
	    !o.version) {
		le_config c;
		le_sidecar_config(&o, &c, err, sizeof err);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_kubeconfig(data + 1, size - 1);
		break;
	case 1:
		fuzz_response(data + 1, size - 1);
		break;
	default:
		fuzz_args(data + 1, size - 1);
		break;
	}
	return 0;
}
