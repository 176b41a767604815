/* sim/rng.c — PRNG streams for the simulator, split from the run's seed.
 *
 * A stream's seed is a splitmix64 hash of (run seed, stream kind, index).
 * Pod i's streams depend only on (seed, i): adding a pod, a fault or a
 * latency to a scenario does not shift any other pod's draws, which keeps
 * seeds comparable across scenario edits and makes shrinking possible. */
#include "sim_engine.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t sim_stream_seed(uint64_t seed, sim_stream kind, uint64_t index)
{
	uint64_t x = seed;
	uint64_t h = splitmix64(&x);
	x = h ^ ((uint64_t)kind * 0xd1b54a32d192ed03ULL);
	h = splitmix64(&x);
	x = h ^ (index * 0xaef17502108ef2d9ULL + 0x2545f4914f6cdd1dULL);
	return splitmix64(&x);
}

void sim_rng_stream(fa_rng *r, uint64_t seed, sim_stream kind, uint64_t index)
{
	fa_rng_seed(r, sim_stream_seed(seed, kind, index));
}
