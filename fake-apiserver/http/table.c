/* leaselab — fake-apiserver HTTP: server-side Tables (meta.k8s.io Table),
 * what `kubectl get` prints. kubectl prints the cells as given: the server
 * computes HOLDER, ENDPOINTS, DATA and AGE. */
#include <stdio.h>
#include <string.h>

#include "fahttp.h"

/* ---- AGE ------------------------------------------------------------------ */

void fahttp_human_age(int64_t now_wall_ns, int64_t then_wall_ns, char *buf,
		      size_t cap)
{
	if (then_wall_ns == 0) {
		snprintf(buf, cap, "<unknown>");
		return;
	}
	int64_t d_ns = now_wall_ns - then_wall_ns;
	int64_t secs = d_ns / 1000000000LL;
	/* up to a second in the future is clock noise: "0s" */
	if (secs < -1) {
		snprintf(buf, cap, "<invalid>");
		return;
	}
	if (secs < 0 || d_ns < 0) {
		snprintf(buf, cap, "0s");
		return;
	}
	long long s = secs, m = secs / 60, h = secs / 3600, d = h / 24;
	if (s < 120)
		snprintf(buf, cap, "%llds", s);
	else if (m < 10 && s % 60 != 0)
		snprintf(buf, cap, "%lldm%llds", m, s % 60);
	else if (m < 180)
		snprintf(buf, cap, "%lldm", m);
	else if (h < 8 && m % 60 != 0)
		snprintf(buf, cap, "%lldh%lldm", h, m % 60);
	else if (h < 48)
		snprintf(buf, cap, "%lldh", h);
	else if (h < 24 * 8 && h % 24 != 0)
		snprintf(buf, cap, "%lldd%lldh", d, h % 24);
	else if (h < 24 * 365 * 2)
		snprintf(buf, cap, "%lldd", d);
	else if (h < 24 * 365 * 8 && d % 365 != 0)
		snprintf(buf, cap, "%lldy%lldd", d / 365, d % 365);
	else
		snprintf(buf, cap, "%lldy", d / 365);
}

/* ---- columns ----------------------------------------------------------------- */

typedef struct column {
	const char *name, *type, *format, *description;
} column;

static const column col_name = {
	"Name", "string", "name",
	"Name must be unique within a namespace."};
static const column col_age = {
	"Age", "string", "",
	"CreationTimestamp is a timestamp representing the server time when "
	"this object was created."};
static const column col_holder = {
	"Holder", "string", "",
	"holderIdentity contains the identity of the holder of a current lease."};
static const column col_endpoints = {
	"Endpoints", "string", "",
	"Endpoints is the list of addresses and ports of the service."};
static const column col_lease_name = {
	"LeaseName", "string", "",
	"LeaseName is the name of the lease for which this candidate is contending."};
/* upstream's printer takes these two descriptions from ObjectMeta's
 * swagger docs, which have no such fields: they are empty */
static const column col_binary_version = {"BinaryVersion", "string", "", ""};
static const column col_emulation_version = {"EmulationVersion", "string", "", ""};
static const column col_data = {
	"Data", "integer", "",
	"Data contains the configuration data (data and binaryData entries)."};

static void add_column(cJSON *arr, const column *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddStringToObject(o, "type", c->type);
	cJSON_AddStringToObject(o, "format", c->format);
	cJSON_AddStringToObject(o, "description", c->description);
	cJSON_AddNumberToObject(o, "priority", 0);
	cJSON_AddItemToArray(arr, o);
}

static const column *middle_column(fa_resource res)
{
	switch (res) {
	case FA_RES_LEASES:
		return &col_holder;
	case FA_RES_ENDPOINTS:
		return &col_endpoints;
	default:
		return &col_data;
	}
}

/* ---- cells --------------------------------------------------------------------- */

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *str_member(const cJSON *o, const char *key)
{
	const cJSON *v = member(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..." or "<none>". */
static void endpoints_cell(const cJSON *obj, char *buf, size_t cap)
{
	const int max_shown = 3;
	int count = 0;
	size_t o = 0;
	buf[0] = '\0';
	const cJSON *subset;
	cJSON_ArrayForEach(subset, member(obj, "subsets"))
	{
		const cJSON *ports = member(subset, "ports");
		int nports = cJSON_IsArray(ports) ? cJSON_GetArraySize(ports) : 0;
		const cJSON *addr;
		cJSON_ArrayForEach(addr, member(subset, "addresses"))
		{
			const char *ip = str_member(addr, "ip");
			for (int p = 0; p < (nports > 0 ? nports : 1); p++) {
				if (count++ >= max_shown)
					continue;
				const cJSON *port = nports > 0 ? cJSON_GetArrayItem(ports, p) : NULL;
				const cJSON *num = member(port, "port");
				int w;
				if (cJSON_IsNumber(num))
					w = snprintf(buf + o, cap - o, "%s%s:%d",
						     o > 0 ? "," : "", ip, (int)num->valuedouble);
				else
					w = snprintf(buf + o, cap - o, "%s%s",
						     o > 0 ? "," : "", ip);
				if (w > 0 && (size_t)w < cap - o)
					o += (size_t)w;
			}
		}
	}
	if (count == 0)
		snprintf(buf, cap, "<none>");
	else if (count > max_shown && o < cap)
		snprintf(buf + o, cap - o, " + %d more...", count - max_shown);
}

static int data_count(const cJSON *obj)
{
	int n = 0;
	const cJSON *d = member(obj, "data"), *b = member(obj, "binaryData");
	if (cJSON_IsObject(d))
		n += cJSON_GetArraySize(d);
	if (cJSON_IsObject(b))
		n += cJSON_GetArraySize(b);
	return n;
}

static cJSON *row_object(fa_resource res, const cJSON *obj,
			 const fahttp_table_opts *o)
{
	if (o->include == FAHTTP_INCLUDE_OBJECT) {
		cJSON *c = cJSON_Duplicate(obj, true);
		if (c != NULL && member(c, "kind") == NULL) {
			/* list items carry no kind/apiVersion; a row's object does */
			cJSON_AddStringToObject(c, "kind", fa_resource_kind(res));
			cJSON_AddStringToObject(c, "apiVersion",
						fa_resource_api_version(res));
		}
		return c;
	}
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "kind", "PartialObjectMetadata");
	cJSON_AddStringToObject(p, "apiVersion",
				o->v1beta1 ? "meta.k8s.io/v1beta1" : "meta.k8s.io/v1");
	const cJSON *meta = member(obj, "metadata");
	cJSON_AddItemToObject(p, "metadata",
			      meta != NULL ? cJSON_Duplicate(meta, true)
					   : cJSON_CreateObject());
	return p;
}

static cJSON *row(fa_resource res, const cJSON *obj, const fahttp_table_opts *o,
		  int64_t now_wall_ns)
{
	const cJSON *meta = member(obj, "metadata");
	cJSON *r = cJSON_CreateObject();
	cJSON *cells = cJSON_AddArrayToObject(r, "cells");
	cJSON_AddItemToArray(cells, cJSON_CreateString(str_member(meta, "name")));
	char buf[512];
	switch (res) {
	case FA_RES_LEASES:
		cJSON_AddItemToArray(cells, cJSON_CreateString(str_member(
						    member(obj, "spec"), "holderIdentity")));
		break;
	case FA_RES_ENDPOINTS:
		endpoints_cell(obj, buf, sizeof(buf));
		cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
		break;
	case FA_RES_LEASECANDIDATES: {
		/* printLeaseCandidate: Name, LeaseName, BinaryVersion,
		 * EmulationVersion, Age */
		const cJSON *spec = member(obj, "spec");
		cJSON_AddItemToArray(cells, cJSON_CreateString(str_member(spec, "leaseName")));
		cJSON_AddItemToArray(cells,
				     cJSON_CreateString(str_member(spec, "binaryVersion")));
		cJSON_AddItemToArray(cells,
				     cJSON_CreateString(str_member(spec, "emulationVersion")));
		break;
	}
	default:
		cJSON_AddItemToArray(cells, cJSON_CreateNumber(data_count(obj)));
		break;
	}
	int64_t created = 0;
	const char *ct = str_member(meta, "creationTimestamp");
	if (ct[0] == '\0' || le_parse_time(ct, &created) != LE_OK)
		created = 0;
	fahttp_human_age(now_wall_ns, created, buf, sizeof(buf));
	cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
	if (o->include != FAHTTP_INCLUDE_NONE)
		cJSON_AddItemToObject(r, "object", row_object(res, obj, o));
	return r;
}

cJSON *fahttp_table(fa_resource res, const cJSON *const *objs, size_t n,
		    const char *rv, const fahttp_table_opts *o,
		    int64_t now_wall_ns)
{
	cJSON *t = cJSON_CreateObject();
	if (t == NULL)
		return NULL;
	cJSON_AddStringToObject(t, "kind", "Table");
	cJSON_AddStringToObject(t, "apiVersion",
				o->v1beta1 ? "meta.k8s.io/v1beta1" : "meta.k8s.io/v1");
	cJSON *meta = cJSON_AddObjectToObject(t, "metadata");
	if (rv != NULL)
		cJSON_AddStringToObject(meta, "resourceVersion", rv);
	if (o->no_columns) {
		cJSON_AddNullToObject(t, "columnDefinitions");
	} else {
		cJSON *cols = cJSON_AddArrayToObject(t, "columnDefinitions");
		add_column(cols, &col_name);
		if (res == FA_RES_LEASECANDIDATES) {
			add_column(cols, &col_lease_name);
			add_column(cols, &col_binary_version);
			add_column(cols, &col_emulation_version);
		} else {
			add_column(cols, middle_column(res));
		}
		add_column(cols, &col_age);
	}
	cJSON *rows = cJSON_AddArrayToObject(t, "rows");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(rows, row(res, objs[i], o, now_wall_ns));
	return t;
}
