/* leaselab — Kubernetes time formats (election-spec.md 3.4).
 *
 * Two layouts are written:
 *   MicroTime    "2006-01-02T15:04:05.000000Z"  (Lease acquireTime/renewTime)
 *   metav1.Time  "2006-01-02T15:04:05Z"         (annotation records, metadata)
 * Both are UTC and truncated toward the past (floor), so a pre-epoch instant
 * 1.5 s before the epoch prints as 23:59:58.500000 on 1969-12-31.
 *
 * The calendar arithmetic is done here, by hand: no timegm/gmtime (they read
 * TZ and locale state, and gmtime is not reentrant) and no clock.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "leaselab/record.h"

#define NS_PER_S INT64_C(1000000000)
#define S_PER_DAY INT64_C(86400)

typedef struct civil_time {
	int64_t year;
	int month; /* 1..12 */
	int day;   /* 1..31 */
	int hour, minute, second;
} civil_time;

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool is_leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const unsigned char len[12] = {31, 28, 31, 30, 31, 30,
					      31, 31, 30, 31, 30, 31};
	if (m == 2 && is_leap_year(y))
		return 29;
	return len[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. The year is shifted to
 * start in March so that the leap day is the last day of a "year"; a 400-year
 * era then has exactly 146097 days. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t year_of_era = y - era * 400;                  /* 0..399 */
	int64_t month_from_march = (m + 9) % 12;              /* Mar=0 .. Feb=11 */
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 -
			     year_of_era / 100 + day_of_year; /* 0..146096 */
	return era * 146097 + day_of_era - 719468; /* 719468: 0000-03-01 .. 1970-01-01 */
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t days, civil_time *out)
{
	days += 719468;
	int64_t era = floor_div(days, 146097);
	int64_t day_of_era = days - era * 146097; /* 0..146096 */
	int64_t year_of_era = (day_of_era - day_of_era / 1460 +
			       day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 -
					    year_of_era / 100);
	int64_t month_from_march = (5 * day_of_year + 2) / 153;
	out->day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	out->month = (int)(month_from_march < 10 ? month_from_march + 3
						 : month_from_march - 9);
	out->year = year_of_era + era * 400 + (out->month <= 2);
}

static void put_digits(char *p, int64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Writes "YYYY-MM-DDTHH:MM:SS" (19 bytes, no NUL) for the whole second that
 * contains wall_ns, and returns the nanoseconds into that second. The int64
 * nanosecond range is years 1677..2262, so the year always has four digits. */
static int64_t put_date_time(int64_t wall_ns, char *p)
{
	int64_t sec = floor_div(wall_ns, NS_PER_S);
	int64_t frac_ns = wall_ns % NS_PER_S; /* sec * NS_PER_S may overflow */
	if (frac_ns < 0)
		frac_ns += NS_PER_S;
	int64_t days = floor_div(sec, S_PER_DAY);
	int64_t sec_of_day = sec - days * S_PER_DAY;
	civil_time ct;
	civil_from_days(days, &ct);
	put_digits(p, ct.year, 4);
	p[4] = '-';
	put_digits(p + 5, ct.month, 2);
	p[7] = '-';
	put_digits(p + 8, ct.day, 2);
	p[10] = 'T';
	put_digits(p + 11, sec_of_day / 3600, 2);
	p[13] = ':';
	put_digits(p + 14, sec_of_day / 60 % 60, 2);
	p[16] = ':';
	put_digits(p + 17, sec_of_day % 60, 2);
	return frac_ns;
}

int le_format_micro_time(int64_t wall_ns, char *buf, size_t cap)
{
	if (buf == NULL || cap < 28)
		return LE_ERANGE;
	int64_t frac_ns = put_date_time(wall_ns, buf);
	buf[19] = '.';
	put_digits(buf + 20, frac_ns / 1000, 6);
	buf[26] = 'Z';
	buf[27] = '\0';
	return 27;
}

int le_format_time(int64_t wall_ns, char *buf, size_t cap)
{
	if (buf == NULL || cap < 21)
		return LE_ERANGE;
	put_date_time(wall_ns, buf);
	buf[19] = 'Z';
	buf[20] = '\0';
	return 20;
}

/* ---- parsing ------------------------------------------------------------ */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads exactly n digits at *p, advancing it. */
static bool get_fixed(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (!is_digit(c))
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect_char(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

/* The parts of a parsed timestamp before they are combined. */
typedef struct time_parts {
	civil_time ct;
	int64_t frac_ns;    /* first 9 fractional digits, further ones dropped */
	int frac_digits;    /* how many fractional digits were written; -1 = none */
	int offset_s;       /* east of UTC */
	bool has_zone;
	bool t_separator;   /* 'T' (not ' ' or 't') between date and time */
} time_parts;

/* "YYYY-MM-DD[T ]HH:MM:SS[.f+][Z|±HH:MM|±HHMM]". Field ranges are checked
 * here; whether the shape suits a caller (zone required, 6 digits) is theirs
 * to decide. */
static bool parse_parts(const char *s, time_parts *tp)
{
	const char *p = s;
	int year, month, day, hour, minute, second;
	memset(tp, 0, sizeof(*tp));
	tp->frac_digits = -1;

	if (!get_fixed(&p, 4, &year) || !expect_char(&p, '-') ||
	    !get_fixed(&p, 2, &month) || !expect_char(&p, '-') ||
	    !get_fixed(&p, 2, &day))
		return false;
	if (*p == 'T')
		tp->t_separator = true;
	else if (*p != ' ' && *p != 't')
		return false;
	p++;
	if (!get_fixed(&p, 2, &hour) || !expect_char(&p, ':') ||
	    !get_fixed(&p, 2, &minute) || !expect_char(&p, ':') ||
	    !get_fixed(&p, 2, &second))
		return false;
	if (month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || hour > 23 || minute > 59 ||
	    second > 59)
		return false;

	if (*p == '.') {
		p++;
		int n = 0;
		int64_t frac = 0;
		while (is_digit(*p)) {
			if (n < 9)
				frac = frac * 10 + (*p - '0');
			n++;
			p++;
		}
		if (n == 0)
			return false;
		for (int i = n; i < 9; i++)
			frac *= 10;
		tp->frac_ns = frac;
		tp->frac_digits = n;
	}

	if (*p == 'Z' || *p == 'z') {
		tp->has_zone = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		int oh, om;
		p++;
		if (!get_fixed(&p, 2, &oh))
			return false;
		(void)expect_char(&p, ':'); /* "+0000" is read too */
		if (!get_fixed(&p, 2, &om) || oh > 23 || om > 59)
			return false;
		tp->has_zone = true;
		tp->offset_s = sign * (oh * 3600 + om * 60);
	}
	if (*p != '\0')
		return false;

	tp->ct.year = year;
	tp->ct.month = month;
	tp->ct.day = day;
	tp->ct.hour = hour;
	tp->ct.minute = minute;
	tp->ct.second = second;
	return true;
}

int le_parse_time(const char *s, int64_t *wall_ns)
{
	time_parts tp;
	if (s == NULL || wall_ns == NULL || !parse_parts(s, &tp))
		return LE_EPARSE;
	int64_t sec = days_from_civil(tp.ct.year, tp.ct.month, tp.ct.day) * S_PER_DAY +
		      tp.ct.hour * 3600 + tp.ct.minute * 60 + tp.ct.second -
		      tp.offset_s;
	/* int64 nanoseconds span 1677-09-21T00:12:43.145224192Z ..
	 * 2262-04-11T23:47:16.854775807Z. The first, partial second is refused
	 * too: every time read here then still fits after the truncation to
	 * whole seconds or microseconds that writing it back applies. */
	const int64_t sec_max = INT64_MAX / NS_PER_S;
	const int64_t sec_min = INT64_MIN / NS_PER_S; /* rounded toward zero */
	if (sec > sec_max || sec < sec_min ||
	    (sec == sec_max && tp.frac_ns > INT64_MAX % NS_PER_S))
		return LE_EPARSE;
	*wall_ns = sec * NS_PER_S + tp.frac_ns;
	return LE_OK;
}

bool le_is_micro_time(const char *s)
{
	time_parts tp;
	if (s == NULL || !parse_parts(s, &tp))
		return false;
	/* Go's layout 2006-01-02T15:04:05.000000Z07:00: a literal 'T', exactly
	 * six fractional digits, and "Z" or a numeric offset with a colon. */
	if (!tp.t_separator || tp.frac_digits != 6 || !tp.has_zone)
		return false;
	size_t n = strlen(s);
	if (s[n - 1] == 'z')
		return false;
	if (n != 27 && n != 32) /* "...Z" or "...+hh:mm" */
		return false;
	return true;
}
