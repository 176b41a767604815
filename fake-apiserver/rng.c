/* leaselab — fake-apiserver: the seeded PRNG the fault model and the store's
 * uids draw from. xoshiro256** (Blackman & Vigna), seeded through
 * splitmix64 so that any 64-bit seed, 0 included, gives a good state. */
#include <stdio.h>

#include "fa_internal.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fa_rng_seed(fa_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t fa_rng_next(fa_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double fa_rng_unit(fa_rng *r)
{
	/* The top 53 bits: every double in [0, 1) on a 2^-53 grid. */
	return (double)(fa_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t fa_rng_below(fa_rng *r, uint64_t n)
{
	/* Reject the few values that would make `x % n` biased. */
	uint64_t threshold = (0 - n) % n;
	for (;;) {
		uint64_t x = fa_rng_next(r);
		if (x >= threshold)
			return x % n;
	}
}

void fa__uid_v4(fa_rng *r, char out[LE_UID_MAX])
{
	uint64_t hi = fa_rng_next(r), lo = fa_rng_next(r);
	hi = (hi & ~0xf000ULL) | 0x4000ULL;                      /* version 4 */
	lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant 10 */
	snprintf(out, LE_UID_MAX, "%08x-%04x-%04x-%04x-%012llx",
		 (unsigned)(hi >> 32), (unsigned)((hi >> 16) & 0xffff),
		 (unsigned)(hi & 0xffff), (unsigned)(lo >> 48),
		 (unsigned long long)(lo & 0xffffffffffffULL));
}
