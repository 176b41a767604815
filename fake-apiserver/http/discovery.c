/* leaselab — fake-apiserver HTTP: discovery documents (what kubectl reads
 * before anything else), /version and Namespace objects.
 *
 * The legacy documents (/api APIVersions, /apis APIGroupList, per-version
 * APIResourceList) and the aggregated apidiscovery.k8s.io/v2 form describe
 * the same resources; one table below feeds both. coordination.k8s.io has
 * four versions: v1 (leases, preferred), v1beta1, v1alpha2 and v1alpha1
 * (leasecandidates: 1.33, 1.32 and 1.31 clients ask for these). */
#include <stdio.h>
#include <string.h>

#include "fahttp.h"

typedef struct res_info {
	const char *name, *singular, *kind, *group, *short_name;
	bool namespaced;
	bool full_verbs;  /* the lock resources; namespaces are get/list only */
} res_info;

static const res_info core_resources[] = {
	{"configmaps", "configmap", "ConfigMap", "", "cm", true, true},
	{"endpoints", "endpoints", "Endpoints", "", "ep", true, true},
	{"namespaces", "namespace", "Namespace", "", "ns", false, false},
};
static const res_info coord_resources[] = {
	{"leases", "lease", "Lease", "coordination.k8s.io", NULL, true, true},
};
static const res_info cand_resources[] = {
	{"leasecandidates", "leasecandidate", "LeaseCandidate", "coordination.k8s.io",
	 NULL, true, true},
};
/* in order of preference, as the apiserver lists them */
static const char *const coord_versions[] = {"v1", "v1beta1", "v1alpha2", "v1alpha1"};
#define N_COORD_VERSIONS 4

#define COORD_GROUP "coordination.k8s.io"
#define COORD_GV "coordination.k8s.io/v1"

static cJSON *verbs(bool full)
{
	static const char *const all[] = {"create", "delete", "get", "list",
					  "patch", "update", "watch"};
	static const char *const read[] = {"get", "list"};
	return full ? cJSON_CreateStringArray(all, 7) : cJSON_CreateStringArray(read, 2);
}

static void add_short_names(cJSON *o, const res_info *r)
{
	if (r->short_name != NULL) {
		const char *sn[] = {r->short_name};
		cJSON_AddItemToObject(o, "shortNames", cJSON_CreateStringArray(sn, 1));
	}
}

static cJSON *resource_list(const char *gv, const res_info *rs, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "APIResourceList");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddStringToObject(o, "groupVersion", gv);
	cJSON *arr = cJSON_AddArrayToObject(o, "resources");
	for (size_t i = 0; i < n; i++) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "name", rs[i].name);
		cJSON_AddStringToObject(r, "singularName", rs[i].singular);
		cJSON_AddBoolToObject(r, "namespaced", rs[i].namespaced);
		cJSON_AddStringToObject(r, "kind", rs[i].kind);
		cJSON_AddItemToObject(r, "verbs", verbs(rs[i].full_verbs));
		add_short_names(r, &rs[i]);
		cJSON_AddItemToArray(arr, r);
	}
	return o;
}

cJSON *fahttp_resource_list_core(void)
{
	return resource_list("v1", core_resources,
			     sizeof(core_resources) / sizeof(core_resources[0]));
}

cJSON *fahttp_resource_list_coordination(void)
{
	return resource_list(COORD_GV, coord_resources,
			     sizeof(coord_resources) / sizeof(coord_resources[0]));
}

cJSON *fahttp_resource_list_candidates(const char *version)
{
	char gv[64];
	snprintf(gv, sizeof(gv), "%s/%s", COORD_GROUP, version);
	return resource_list(gv, cand_resources,
			     sizeof(cand_resources) / sizeof(cand_resources[0]));
}

cJSON *fahttp_api_versions(const char *server_address)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "APIVersions");
	const char *v[] = {"v1"};
	cJSON_AddItemToObject(o, "versions", cJSON_CreateStringArray(v, 1));
	cJSON *cidrs = cJSON_AddArrayToObject(o, "serverAddressByClientCIDRs");
	if (server_address != NULL && server_address[0] != '\0') {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "clientCIDR", "0.0.0.0/0");
		cJSON_AddStringToObject(c, "serverAddress", server_address);
		cJSON_AddItemToArray(cidrs, c);
	}
	return o;
}

static cJSON *group_version(const char *version)
{
	char gvs[64];
	snprintf(gvs, sizeof(gvs), "%s/%s", COORD_GROUP, version);
	cJSON *gv = cJSON_CreateObject();
	cJSON_AddStringToObject(gv, "groupVersion", gvs);
	cJSON_AddStringToObject(gv, "version", version);
	return gv;
}

static cJSON *group_body(cJSON *o)
{
	cJSON_AddStringToObject(o, "name", COORD_GROUP);
	cJSON *vs = cJSON_AddArrayToObject(o, "versions");
	for (int i = 0; i < N_COORD_VERSIONS; i++)
		cJSON_AddItemToArray(vs, group_version(coord_versions[i]));
	cJSON_AddItemToObject(o, "preferredVersion", group_version("v1"));
	return o;
}

cJSON *fahttp_api_group(void)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "APIGroup");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	return group_body(o);
}

cJSON *fahttp_api_group_list(void)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "APIGroupList");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON *groups = cJSON_AddArrayToObject(o, "groups");
	cJSON_AddItemToArray(groups, group_body(cJSON_CreateObject()));
	return o;
}

/* ---- aggregated discovery (apidiscovery.k8s.io/v2) ------------------------------ */

static cJSON *discovery_version(const char *version, const res_info *rs,
				size_t n)
{
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "version", version);
	cJSON *arr = cJSON_AddArrayToObject(v, "resources");
	for (size_t i = 0; i < n; i++) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "resource", rs[i].name);
		cJSON *rk = cJSON_AddObjectToObject(r, "responseKind");
		cJSON_AddStringToObject(rk, "group", rs[i].group);
		cJSON_AddStringToObject(rk, "version", version);
		cJSON_AddStringToObject(rk, "kind", rs[i].kind);
		cJSON_AddStringToObject(r, "scope",
					rs[i].namespaced ? "Namespaced" : "Cluster");
		cJSON_AddStringToObject(r, "singularResource", rs[i].singular);
		cJSON_AddItemToObject(r, "verbs", verbs(rs[i].full_verbs));
		add_short_names(r, &rs[i]);
		cJSON_AddItemToArray(arr, r);
	}
	cJSON_AddStringToObject(v, "freshness", "Current");
	return v;
}

static cJSON *discovery_item(const char *group)
{
	cJSON *item = cJSON_CreateObject();
	cJSON *meta = cJSON_AddObjectToObject(item, "metadata");
	if (group[0] != '\0')
		cJSON_AddStringToObject(meta, "name", group);
	cJSON_AddNullToObject(meta, "creationTimestamp");
	cJSON_AddArrayToObject(item, "versions");
	return item;
}

static cJSON *discovery_list(cJSON *item)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "APIGroupDiscoveryList");
	cJSON_AddStringToObject(o, "apiVersion", "apidiscovery.k8s.io/v2");
	cJSON_AddObjectToObject(o, "metadata");
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	cJSON_AddItemToArray(items, item);
	return o;
}

cJSON *fahttp_discovery_v2_core(void)
{
	cJSON *item = discovery_item("");
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(item, "versions"),
			     discovery_version("v1", core_resources,
					       sizeof(core_resources) /
						       sizeof(core_resources[0])));
	return discovery_list(item);
}

cJSON *fahttp_discovery_v2_groups(void)
{
	cJSON *item = discovery_item(COORD_GROUP);
	cJSON *vs = cJSON_GetObjectItemCaseSensitive(item, "versions");
	for (int i = 0; i < N_COORD_VERSIONS; i++) {
		bool v1 = i == 0;
		cJSON_AddItemToArray(
			vs, discovery_version(coord_versions[i],
					      v1 ? coord_resources : cand_resources,
					      v1 ? sizeof(coord_resources) / sizeof(coord_resources[0])
						 : sizeof(cand_resources) / sizeof(cand_resources[0])));
	}
	return discovery_list(item);
}

/* ---- /version and namespaces ------------------------------------------------------ */

cJSON *fahttp_version_info(void)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "major", "1");
	cJSON_AddStringToObject(o, "minor", "32");
	cJSON_AddStringToObject(o, "gitVersion", "v1.32.0-leaselab");
	cJSON_AddStringToObject(o, "gitCommit", "0000000000000000000000000000000000000000");
	cJSON_AddStringToObject(o, "gitTreeState", "clean");
	cJSON_AddStringToObject(o, "buildDate", "2025-01-01T00:00:00Z");
	cJSON_AddStringToObject(o, "goVersion", "leaselab-c11");
	cJSON_AddStringToObject(o, "compiler", "gc");
	cJSON_AddStringToObject(o, "platform", "linux/amd64");
	return o;
}

/* A stable uid per namespace name (FNV-1a spread over 16 bytes), so the
 * same namespace reads the same on every GET. */
static void namespace_uid(const char *name, char out[LE_UID_MAX])
{
	uint64_t h1 = 1469598103934665603ULL, h2 = 0x9e3779b97f4a7c15ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h1 = (h1 ^ *p) * 1099511628211ULL;
		h2 = (h2 ^ *p) * 0x100000001b3ULL + 0x7f4a7c15ULL;
	}
	snprintf(out, LE_UID_MAX, "%08x-%04x-4%03x-8%03x-%012llx",
		 (unsigned)(h1 >> 32), (unsigned)(h1 >> 16) & 0xffffu,
		 (unsigned)h1 & 0xfffu, (unsigned)(h2 >> 52) & 0xfffu,
		 (unsigned long long)(h2 & 0xffffffffffffULL));
}

cJSON *fahttp_namespace(const char *name, int64_t created_wall_ns)
{
	char uid[LE_UID_MAX], ts[32];
	namespace_uid(name, uid);
	if (le_format_time(created_wall_ns, ts, sizeof(ts)) < 0)
		ts[0] = '\0';
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "Namespace");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON *meta = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(meta, "name", name);
	cJSON_AddStringToObject(meta, "uid", uid);
	cJSON_AddStringToObject(meta, "resourceVersion", "1");
	cJSON_AddStringToObject(meta, "creationTimestamp", ts);
	cJSON *labels = cJSON_AddObjectToObject(meta, "labels");
	cJSON_AddStringToObject(labels, "kubernetes.io/metadata.name", name);
	cJSON *spec = cJSON_AddObjectToObject(o, "spec");
	const char *fin[] = {"kubernetes"};
	cJSON_AddItemToObject(spec, "finalizers", cJSON_CreateStringArray(fin, 1));
	cJSON *status = cJSON_AddObjectToObject(o, "status");
	cJSON_AddStringToObject(status, "phase", "Active");
	return o;
}
