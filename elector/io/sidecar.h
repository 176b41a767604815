/* The elector sidecar's command line (bin/elector), kept in libleaselab-io so
 * that its parsing and validation are unit-tested. Private to leaselab:
 * elector/cmd/elector.c and tests/unit/test_io_flags.c include it. */
#ifndef LEASELAB_IO_SIDECAR_H
#define LEASELAB_IO_SIDECAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/run.h"

/* Exit codes of bin/elector. */
#define LE_EXIT_OK	  0
#define LE_EXIT_RUNTIME	  1  /* the event loop failed while running */
#define LE_EXIT_BAD_INPUT 3  /* bad flag, kubeconfig, certificate, --http address: nothing started \
			      */
#define LE_EXIT_FATAL_05 255 /* --profile=sidecar-0.5 startup failure (0.5's glog.Fatalf) */

typedef struct le_sidecar_opts {
	/* leader-elector:0.5 flags */
	const char *election;		/* --election (required) */
	char id[LE_ID_MAX];		/* --id, default: the hostname */
	bool id_from_hostname;		/* no --id: id is the hostname */
	const char *election_namespace; /* --election-namespace, default "default" */
	int64_t ttl_ns;			/* --ttl; 0 = not given */
	bool use_cluster_credentials;	/* --use-cluster-credentials */
	const char *http;		/* --http host:port; NULL = none */
	/* modern flags */
	le_lock_kind lock;	      /* --lock, default leases */
	const char *kubeconfig;	      /* --kubeconfig */
	const char *context;	      /* --context */
	int64_t lease_duration_ns;    /* --lease-duration; 0 = derived */
	int64_t renew_deadline_ns;    /* --renew-deadline; 0 = derived */
	int64_t retry_period_ns;      /* --retry-period; 0 = derived */
	int64_t request_timeout_ns;   /* --request-timeout; 0 = profile default */
	bool release_on_cancel;	      /* --release-on-cancel, default true */
	const le_profile *profile;    /* --profile, default client-go */
	int64_t healthz_tolerance_ns; /* --healthz-tolerance, default 20s */
	bool log_json;		      /* --log-format=json */
	int verbosity;		      /* --v, default 4 */
	bool help;		      /* --help / -h */
	bool version;		      /* --version */
	bool profile_help;	      /* --profile=help: list the profiles */
	bool liberal_records;	      /* --liberal-records: read other clients'
					 annotation records (not what Go does) */
	/* coordinated leader election (docs/coordinated.md) */
	bool coordinated;		    /* --coordinated */
	const char *binary_version;	    /* --binary-version (with --coordinated) */
	const char *emulation_version;	    /* --emulation-version (with --coordinated) */
	const char *candidate_api_version; /* --candidate-api-version, default v1beta1 */
} le_sidecar_opts;

/* Parse argv (argv[0] is skipped). On error returns LE_EINVAL with a
 * one-line message naming the flag; the caller exits with
 * LE_EXIT_BAD_INPUT. `hostname` is the --id default (NULL: gethostname). */
int le_sidecar_parse(int argc, char *const *argv, const char *hostname, le_sidecar_opts *o,
		     char *err, size_t errcap);

/* The core configuration the options describe: timings from --ttl (LD=ttl,
 * RD=ttl/2, RP=ttl/4) or the profile's defaults, overridden one by one by
 * --lease-duration/--renew-deadline/--retry-period, then le_config_validate
 * with the values in the message. LE_EINVAL with err on failure. */
int le_sidecar_config(const le_sidecar_opts *o, le_config *c, char *err, size_t errcap);
/* The LeaseCandidate --coordinated publishes: named by --id, for the
 * --election lease, OldestEmulationVersion. */
void le_sidecar_candidate(const le_sidecar_opts *o, le_cand_config *cc);

/* A warning when the timing allows two leaders at once (election-spec.md
 * 6.3: RP + RD must stay below LD with room for a request); "" if none. */
void le_sidecar_timing_warning(const le_config *c, char *buf, size_t cap);

/* The --help text, as a NULL-terminated list of paragraphs to print in
 * order. */
const char *const *le_sidecar_help(void);

#endif
