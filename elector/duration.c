/* Go duration syntax, as flags, scenario files and fault rules write it:
 * "10s", "500ms", "1m30s", "1.5h". One parser for the whole project (the
 * sidecar's flags, the simulator's scenarios, the fake apiserver's rules). Parsed into int64 nanoseconds with overflow
 * checks; formatted the way Go's time.Duration.String() prints. */
#include <stdio.h>
#include <string.h>

#include "leaselab/elector.h"

#define NS_PER_US   INT64_C(1000)
#define NS_PER_MIN  (60 * LE_NS_PER_S)
#define NS_PER_HOUR (60 * NS_PER_MIN)

static int64_t unit_ns(const char *u, size_t n)
{
	static const struct {
		const char *name;
		int64_t ns;
	} units[] = {
		{"ns", 1},
		{"us", NS_PER_US},
		{"\xc2\xb5s", NS_PER_US}, /* U+00B5 micro sign */
		{"\xce\xbcs", NS_PER_US}, /* U+03BC Greek mu */
		{"ms", LE_NS_PER_MS},
		{"s", LE_NS_PER_S},
		{"m", NS_PER_MIN},
		{"h", NS_PER_HOUR},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
			return units[i].ns;
	return 0;
}

int le_parse_duration(const char *s, int64_t *ns, char *err, size_t errcap)
{
	const char *p = s;
	bool neg = false;
	uint64_t total = 0;

	if (!s || !*s) {
		snprintf(err, errcap, "empty duration (write e.g. 10s, 500ms, 1m30s)");
		return LE_EINVAL;
	}
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*ns = 0;
		return LE_OK;
	}
	if (!*p)
		goto bad;
	while (*p) {
		uint64_t whole = 0, frac = 0, scale = 1;
		bool digits = false;
		while (*p >= '0' && *p <= '9') {
			if (whole > (UINT64_MAX - 9) / 10)
				goto overflow;
			whole = whole * 10 + (uint64_t)(*p++ - '0');
			digits = true;
		}
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9') {
				/* Digits below a nanosecond of an hour
				 * cannot matter; dropping them keeps frac
				 * exact in a double. */
				if (scale < UINT64_C(10000000000000)) {
					frac = frac * 10 + (uint64_t)(*p - '0');
					scale *= 10;
				}
				p++;
				digits = true;
			}
		}
		if (!digits)
			goto bad;
		const char *u = p;
		while (*p && *p != '.' && (*p < '0' || *p > '9'))
			p++;
		if (u == p) {
			snprintf(err, errcap,
				 "missing unit in duration \"%s\" (use ns, us, ms, s, m or h)", s);
			return LE_EINVAL;
		}
		int64_t unit = unit_ns(u, (size_t)(p - u));
		if (unit == 0) {
			snprintf(err, errcap,
				 "unknown unit \"%.*s\" in duration \"%s\" (use ns, us, ms, s, m "
				 "or h)",
				 (int)(p - u), u, s);
			return LE_EINVAL;
		}
		if (whole > (uint64_t)INT64_MAX / (uint64_t)unit)
			goto overflow;
		uint64_t v = whole * (uint64_t)unit;
		v += (uint64_t)((double)frac * ((double)unit / (double)scale));
		total += v;
		if (total > (uint64_t)INT64_MAX)
			goto overflow;
	}
	*ns = neg ? -(int64_t)total : (int64_t)total;
	return LE_OK;
bad:
	snprintf(err, errcap, "invalid duration \"%s\" (write e.g. 10s, 500ms, 1m30s)", s);
	return LE_EINVAL;
overflow:
	snprintf(err, errcap, "duration \"%s\" is too large", s);
	return LE_ERANGE;
}

/* "<v / 10^prec>[.<fraction without trailing zeros>]" */
static int put_frac(char *buf, size_t cap, uint64_t v, int prec)
{
	uint64_t div = 1;
	for (int i = 0; i < prec; i++)
		div *= 10;
	char frac[24];
	int n = snprintf(frac, sizeof frac, "%0*llu", prec, (unsigned long long)(v % div));
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	if (n == 0)
		return snprintf(buf, cap, "%llu", (unsigned long long)(v / div));
	return snprintf(buf, cap, "%llu.%s", (unsigned long long)(v / div), frac);
}

int le_format_duration(int64_t ns, char *buf, size_t cap)
{
	char tmp[64];
	size_t n = 0;
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	if (cap == 0)
		return 0;
	if (ns < 0)
		tmp[n++] = '-';
	if (u == 0) {
		n += (size_t)snprintf(tmp + n, sizeof tmp - n, "0s");
	} else if (u < (uint64_t)NS_PER_US) {
		n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%lluns", (unsigned long long)u);
	} else if (u < (uint64_t)LE_NS_PER_MS) {
		n += (size_t)put_frac(tmp + n, sizeof tmp - n, u, 3);
		n += (size_t)snprintf(tmp + n, sizeof tmp - n, "\xc2\xb5s");
	} else if (u < (uint64_t)LE_NS_PER_S) {
		n += (size_t)put_frac(tmp + n, sizeof tmp - n, u, 6);
		n += (size_t)snprintf(tmp + n, sizeof tmp - n, "ms");
	} else {
		uint64_t h = u / (uint64_t)NS_PER_HOUR;
		uint64_t m = u / (uint64_t)NS_PER_MIN % 60;
		uint64_t s_ns = u % (uint64_t)NS_PER_MIN;
		if (h > 0)
			n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%lluh",
					      (unsigned long long)h);
		if (h > 0 || m > 0)
			n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%llum",
					      (unsigned long long)m);
		n += (size_t)put_frac(tmp + n, sizeof tmp - n, s_ns, 9);
		n += (size_t)snprintf(tmp + n, sizeof tmp - n, "s");
	}
	return snprintf(buf, cap, "%s", tmp) >= (int)cap ? (int)cap - 1 : (int)n;
}
