/* leaselab — Kubernetes object names, checked once for the whole tree: the
 * fake apiserver's validation, bin/elector's flags, the scenario parser and
 * the Lease strategy check all mean the same RFC 1123 rules. Not installed:
 * libleaselab-core defines them and every other library links it. */
#ifndef LEASELAB_INTERNAL_NAMES_H
#define LEASELAB_INTERNAL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* An RFC 1123 label, s[0..n): 1 to 63 lowercase letters, digits and '-',
 * starting and ending with a letter or digit (a namespace). */
bool le_dns_label_ok(const char *s, size_t n);

/* An RFC 1123 subdomain, s[0..n): at most 253 characters, labels as above
 * joined by '.' (an object name such as a lock's). */
bool le_dns_subdomain_ok(const char *s, size_t n);

#endif
