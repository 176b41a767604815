/* elector/names.c — see leaselab/internal/names.h. */
#include "leaselab/internal/names.h"

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool le_dns_label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool le_dns_subdomain_ok(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		/* a label of a subdomain may be longer than 63: only the whole
		 * name is capped (the apiserver's IsDNS1123Subdomain) */
		size_t len = i - start;
		if (len == 0 || !lower_alnum(s[start]) || !lower_alnum(s[i - 1]))
			return false;
		for (size_t j = start; j < i; j++)
			if (!lower_alnum(s[j]) && s[j] != '-')
				return false;
		start = i + 1;
	}
	return true;
}
