/* sim/clock.c — a node's clocks as functions of true time.
 *
 * Both readings advance at (1 + rate_ppm/1e6) per true nanosecond from a
 * base point: reading(t) = base + dt + floor(dt * ppm / 1e6), dt = t -
 * base_true. Changing the rate or stepping the wall clock moves the base
 * point to "now", so the past never changes and drift accumulates only from
 * the last change. All integer: the same inputs give the same readings on
 * every machine, which byte-identical histories need. */
#include "sim_engine.h"

#define PPM_SCALE INT64_C(1000000)

static inline int64_t floordiv(int64_t a, int64_t b) /* b > 0 */
{
	int64_t q = a / b;
	return (a % b < 0) ? q - 1 : q;
}

/* floor(dt * ppm / 1e6) without overflowing for any realistic dt. */
static inline int64_t drift(int64_t dt, int32_t ppm)
{
	if (ppm == 0)
		return 0;
	int64_t q = floordiv(dt, PPM_SCALE);
	int64_t r = dt - q * PPM_SCALE; /* 0 <= r < 1e6 */
	return q * ppm + floordiv(r * ppm, PPM_SCALE);
}

static inline int64_t advance(int64_t dt, int32_t ppm)
{
	return dt + drift(dt, ppm);
}

void sim_clock_init(sim_clock *c, int64_t true_ns, int64_t offset_ns,
		    int32_t rate_ppm)
{
	c->offset_ns = offset_ns;
	c->rate_ppm = rate_ppm;
	c->base_true_ns = true_ns;
	c->base_mono_ns = SIM_MONO_BASE_NS + true_ns;
	c->base_wall_ns = SIM_WALL_EPOCH_NS + true_ns + offset_ns;
}

int64_t sim_clock_mono_ns(const sim_clock *c, int64_t true_ns)
{
	return c->base_mono_ns + advance(true_ns - c->base_true_ns, c->rate_ppm);
}

int64_t sim_clock_wall_ns(const sim_clock *c, int64_t true_ns)
{
	return c->base_wall_ns + advance(true_ns - c->base_true_ns, c->rate_ppm);
}

/* The smallest true time whose mono reading is >= mono_ns. The readings are
 * non-decreasing in true time (rate > -1e6 ppm), so an estimate by division
 * followed by a step or two of correction finds it exactly. */
int64_t sim_clock_true_at_mono(const sim_clock *c, int64_t mono_ns)
{
	const int64_t far = INT64_MAX / 4;
	if (mono_ns >= far)
		return INT64_MAX;
	int64_t target = mono_ns - c->base_mono_ns;
	int32_t ppm = c->rate_ppm;
	int64_t dt = target;
	if (ppm != 0) {
		int64_t den = PPM_SCALE + ppm;
		int64_t q = floordiv(target, den);
		int64_t r = target - q * den;
		if (q >= far / PPM_SCALE || q <= -far / PPM_SCALE)
			return q > 0 ? INT64_MAX : INT64_MIN;
		dt = q * PPM_SCALE + floordiv(r * PPM_SCALE, den);
		while (advance(dt, ppm) < target)
			dt++;
		while (advance(dt - 1, ppm) >= target)
			dt--;
	}
	if (dt >= far - c->base_true_ns)
		return INT64_MAX;
	return c->base_true_ns + dt;
}

static void rebase(sim_clock *c, int64_t true_ns)
{
	c->base_mono_ns = sim_clock_mono_ns(c, true_ns);
	c->base_wall_ns = sim_clock_wall_ns(c, true_ns);
	c->base_true_ns = true_ns;
	c->offset_ns = c->base_wall_ns - SIM_WALL_EPOCH_NS - true_ns;
}

void sim_clock_set_rate(sim_clock *c, int64_t true_ns, int32_t rate_ppm)
{
	rebase(c, true_ns);
	c->rate_ppm = rate_ppm;
}

void sim_clock_step_mono(sim_clock *c, int64_t true_ns, int64_t step_ns)
{
	rebase(c, true_ns);
	if (step_ns > 0)
		c->base_mono_ns += step_ns;
}

void sim_clock_step_wall(sim_clock *c, int64_t true_ns, int64_t step_ns)
{
	rebase(c, true_ns);
	c->base_wall_ns += step_ns;
	c->offset_ns += step_ns;
}
