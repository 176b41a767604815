/* reports/model.h — what the report writers draw, derived once from a
 * history: per-pod state segments, the lease holder as the store saw it,
 * fault windows. Private to reports/. */
#ifndef LEASELAB_REPORTS_MODEL_H
#define LEASELAB_REPORTS_MODEL_H

#include "leaselab/report.h"
#include "leaselab/sim.h"

typedef enum rep_state {
	REP_ST_FOLLOWING = 0,
	REP_ST_LEADING,
	REP_ST_DEAD,
	REP_ST_PAUSED,   /* overlay */
	REP_ST_CUT,      /* overlay: network cut off */
	REP_ST_MIXED,    /* thinned: several short segments merged */
} rep_state;

typedef struct rep_seg {
	int64_t t0, t1;
	int32_t lane;     /* pod index, or holder identity for lease terms */
	rep_state state;
	int32_t count;    /* writes in a lease term; merged segments */
	int64_t first_transitions, last_transitions;
} rep_seg;

typedef struct rep_segs {
	rep_seg *v;
	size_t n, cap;
} rep_segs;

typedef struct rep_fault_win {
	int32_t fault;    /* scenario fault index */
	int32_t pod;      /* -1 = not pod-specific */
	int64_t t0, t1;
} rep_fault_win;

typedef struct rep_model {
	int64_t end_ns;
	size_t npods;
	rep_segs *pod_base;     /* [npods]: running (following) / dead */
	rep_segs *pod_lead;     /* [npods]: leading, from the checker */
	rep_segs *pod_overlay;  /* [npods]: paused / cut */
	rep_segs lease;         /* holder terms (lane = identity, -1 = free) */
	rep_fault_win *faults;
	size_t nfaults, faults_cap;
	int64_t lease_writes;
	int64_t first_leader_ns; /* -1 if never */
} rep_model;

/* Lanes from the history; the leading intervals are the checker's
 * (r->leading), not derived again here. */
int rep_model_build(rep_model *m, const sim_scenario *sc, const sim_history *h,
		    const sim_check_result *r);
void rep_model_free(rep_model *m);
/* Merge runs of segments shorter than min_ns into REP_ST_MIXED segments
 * when a lane has more than max_segs; never touches other lanes' data. */
void rep_segs_thin(rep_segs *s, int64_t min_ns, size_t max_segs);

/* A profile's name, "client-go" (the core's default) when none is set. */
const char *rep_profile_name(const le_profile *p);
/* A pod's name / an identity from the history; "-" / "" when out of range. */
const char *rep_pod_name(const sim_history *h, int32_t pod);
const char *rep_identity(const sim_history *h, int32_t id);
/* Failover durations (new leader − cause) of failovers that found a new
 * leader, sorted; out needs r->nfailovers slots. Returns the count. */
size_t rep_failover_times(const sim_check_result *r, int64_t *out);
/* rep_percentile (nearest rank) is in leaselab/report.h. */

const char *rep_fault_label(const sim_scenario *sc, int32_t fault,
			    char *buf, size_t cap);

#endif
