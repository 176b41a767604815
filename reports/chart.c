/* reports/chart.c — the one SVG axis module: histograms and CDFs of
 * durations, one or several series on one chart, with axes, round ticks,
 * units, counts, p50/p99 markers and a legend.
 *
 * Own code rather than a charting library inlined into the page: the
 * project takes dependencies only as Debian packages and vendors nothing,
 * and a JS library would have to be copied into every self-contained page
 * (hundreds of KB per file, times every kept seed). These charts need an
 * axis, a bin count and a step line; that is a few hundred lines of C, is
 * static (no script needed to see it), and renders the same in a browser,
 * an image viewer and a CI artifact preview.
 *
 * Labels never clip: every text is placed inside the viewBox, anchored
 * towards the middle of the plot when it sits near the right edge. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

enum {
	CH_W = 720,
	CH_PLOT_H = 220,
	CH_ML = 64, /* y tick labels and the y axis label */
	CH_MR = 16,
	CH_MB = 46, /* x tick labels and the x axis label */
	CH_LEGEND_ROW = 15,
	CH_BINS = 40,
	CH_MAX_SERIES = 8,
};

static const char *const palette[CH_MAX_SERIES] = {
    "#1f6feb", "#d97706", "#16a34a", "#9333ea",
    "#dc2626", "#0891b2", "#854d0e", "#db2777",
};

typedef struct frame {
	double x0, x1, y0, y1; /* plot area in svg units */
	double xmax_s, xstep_s;
	double ymax, ystep;
	int height;
} frame;

/* 1, 2 or 5 times a power of ten, at least raw. */
static double nice_step(double raw)
{
	if (!(raw > 0))
		return 1;
	double p = pow(10, floor(log10(raw)));
	double m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static int decimals_for(double step)
{
	if (step >= 1)
		return 0;
	if (step >= 0.1)
		return 1;
	if (step >= 0.01)
		return 2;
	return 3;
}

static void secs_label(rbuf *b, double s, int decimals)
{
	rb_printf(b, "%.*f s", decimals, s);
}

static void frame_x(frame *f, const rep_series *s, size_t n,
		    const rep_chart_opts *o)
{
	int64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].n && s[i].v_ns[s[i].n - 1] > max)
			max = s[i].v_ns[s[i].n - 1];
	for (size_t i = 0; o && i < o->nmarks && i < REP_CHART_MARKS; i++)
		if (o->mark_ns[i] > max)
			max = o->mark_ns[i];
	double m = (double)max / 1e9;
	if (m <= 0)
		m = 1;
	f->xstep_s = nice_step(m / 6);
	f->xmax_s = ceil(m / f->xstep_s - 1e-9) * f->xstep_s;
	if (f->xmax_s < m)
		f->xmax_s += f->xstep_s;
}

static void frame_open(rbuf *b, frame *f, size_t n, const char *cls,
		       const rep_chart_opts *o)
{
	double top = 26 + (double)(n ? n : 1) * CH_LEGEND_ROW + 6;
	f->x0 = CH_ML;
	f->x1 = CH_W - CH_MR;
	f->y0 = top;
	f->y1 = top + CH_PLOT_H;
	f->height = (int)f->y1 + CH_MB;
	rb_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ");
	rb_puts(b, cls);
	rb_puts(b, "\" viewBox=\"0 0 ");
	rb_i64(b, CH_W);
	rb_putc(b, ' ');
	rb_i64(b, f->height);
	rb_puts(b, "\" width=\"");
	rb_i64(b, CH_W);
	rb_puts(b, "\" height=\"");
	rb_i64(b, f->height);
	rb_puts(b, "\" style=\"max-width:100%;height:auto\" "
		   "font-family=\"system-ui,sans-serif\" "
		   "font-size=\"11\"><rect width=\"100%\" height=\"100%\" "
		   "fill=\"#fff\"/>"
		   "<text class=\"title\" x=\"8\" y=\"17\" font-size=\"13\" "
		   "font-weight=\"600\">");
	rb_html(b, o && o->title ? o->title : "");
	rb_puts(b, "</text>");
}

static double sx(const frame *f, double s)
{
	return f->x0 + s / f->xmax_s * (f->x1 - f->x0);
}

static double sy(const frame *f, double v)
{
	return f->y1 - v / f->ymax * (f->y1 - f->y0);
}

/* Text inside the plot near x: anchored left of x when near the right edge. */
static void text_at(rbuf *b, const frame *f, double x, double y,
		    const char *cls, const char *color)
{
	bool right = x > f->x1 - 110;
	/* a white halo keeps the label readable over bars and lines */
	rb_puts(b, "<text stroke=\"#fff\" stroke-width=\"3\" "
		   "paint-order=\"stroke\" class=\"");
	rb_puts(b, cls);
	rb_puts(b, "\" fill=\"");
	rb_puts(b, color);
	rb_puts(b, "\" x=\"");
	rb_fixed2(b, right ? x - 3 : x + 3);
	rb_puts(b, "\" y=\"");
	rb_fixed2(b, y);
	rb_puts(b, right ? "\" text-anchor=\"end\">" : "\">");
}

/* Grid, ticks and both axis labels. */
static void axes(rbuf *b, const frame *f, const char *x_label,
		 const char *y_label, bool percent)
{
	int xd = decimals_for(f->xstep_s);
	rb_puts(b, "<g class=\"axes\" stroke=\"#e5e5e5\">");
	for (double t = 0; t <= f->xmax_s + f->xstep_s / 1e6; t += f->xstep_s) {
		double x = sx(f, t);
		rb_puts(b, "<line x1=\"");
		rb_fixed2(b, x);
		rb_puts(b, "\" x2=\"");
		rb_fixed2(b, x);
		rb_puts(b, "\" y1=\"");
		rb_fixed2(b, f->y0);
		rb_puts(b, "\" y2=\"");
		rb_fixed2(b, f->y1 + 4);
		rb_puts(b, "\"/>");
	}
	for (double v = 0; v <= f->ymax + f->ystep / 1e6; v += f->ystep) {
		rb_puts(b, "<line x1=\"");
		rb_fixed2(b, f->x0 - 4);
		rb_puts(b, "\" x2=\"");
		rb_fixed2(b, f->x1);
		rb_puts(b, "\" y1=\"");
		rb_fixed2(b, sy(f, v));
		rb_puts(b, "\" y2=\"");
		rb_fixed2(b, sy(f, v));
		rb_puts(b, "\"/>");
	}
	rb_puts(b, "<line stroke=\"#666\" x1=\"");
	rb_fixed2(b, f->x0);
	rb_puts(b, "\" x2=\"");
	rb_fixed2(b, f->x1);
	rb_puts(b, "\" y1=\"");
	rb_fixed2(b, f->y1);
	rb_puts(b, "\" y2=\"");
	rb_fixed2(b, f->y1);
	rb_puts(b, "\"/><line stroke=\"#666\" x1=\"");
	rb_fixed2(b, f->x0);
	rb_puts(b, "\" x2=\"");
	rb_fixed2(b, f->x0);
	rb_puts(b, "\" y1=\"");
	rb_fixed2(b, f->y0);
	rb_puts(b, "\" y2=\"");
	rb_fixed2(b, f->y1);
	rb_puts(b, "\"/></g><g class=\"ticks\" fill=\"#444\">");
	for (double t = 0; t <= f->xmax_s + f->xstep_s / 1e6; t += f->xstep_s) {
		double x = sx(f, t);
		rb_puts(b, "<text class=\"tick x\" text-anchor=\"");
		/* the last tick's label ends at the axis end: never clipped */
		rb_puts(b, x > f->x1 - 20 ? "end" : "middle");
		rb_puts(b, "\" x=\"");
		rb_fixed2(b, x);
		rb_puts(b, "\" y=\"");
		rb_fixed2(b, f->y1 + 16);
		rb_puts(b, "\">");
		secs_label(b, t, xd);
		rb_puts(b, "</text>");
	}
	for (double v = 0; v <= f->ymax + f->ystep / 1e6; v += f->ystep) {
		rb_puts(b, "<text class=\"tick y\" text-anchor=\"end\" x=\"");
		rb_fixed2(b, f->x0 - 6);
		rb_puts(b, "\" y=\"");
		rb_fixed2(b, sy(f, v) + 4);
		rb_puts(b, "\">");
		if (percent)
			rb_printf(b, "%.0f %%", v * 100);
		else
			rb_printf(b, "%.0f", v);
		rb_puts(b, "</text>");
	}
	rb_puts(b, "</g><text class=\"x-label\" text-anchor=\"middle\" "
		   "font-size=\"12\" x=\"");
	rb_fixed2(b, (f->x0 + f->x1) / 2);
	rb_puts(b, "\" y=\"");
	rb_i64(b, f->height - 8);
	rb_puts(b, "\">");
	rb_html(b, x_label ? x_label : "time");
	rb_puts(b, " (s)</text><text class=\"y-label\" text-anchor=\"middle\" "
		   "font-size=\"12\" "
		   "transform=\"rotate(-90)\" x=\"");
	rb_fixed2(b, -(f->y0 + f->y1) / 2);
	rb_puts(b, "\" y=\"16\">");
	rb_html(b, y_label);
	rb_puts(b, "</text>");
}

/* Legend rows under the title: swatch, label, count, p50, p99. */
static void legend(rbuf *b, const rep_series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double y = 26 + (double)i * CH_LEGEND_ROW;
		rb_puts(b, "<rect x=\"8\" y=\"");
		rb_fixed2(b, y + 2);
		rb_puts(b, "\" width=\"12\" height=\"9\" fill=\"");
		rb_puts(b, palette[i % CH_MAX_SERIES]);
		rb_puts(b, "\"/><text class=\"legend\" x=\"26\" y=\"");
		rb_fixed2(b, y + 10);
		rb_puts(b, "\">");
		rb_html(b, s[i].label ? s[i].label : "");
		rb_printf(b, ": n = %zu", s[i].n);
		if (s[i].n) {
			rb_puts(b, ", p50 ");
			rb_secs(b, rep_percentile(s[i].v_ns, s[i].n, 50));
			rb_puts(b, " s, p99 ");
			rb_secs(b, rep_percentile(s[i].v_ns, s[i].n, 99));
			rb_puts(b, " s, max ");
			rb_secs(b, s[i].v_ns[s[i].n - 1]);
			rb_puts(b, " s");
		}
		rb_puts(b, "</text>");
	}
}

static void vline(rbuf *b, const frame *f, double x, const char *color,
		  const char *cls)
{
	rb_puts(b, "<line class=\"");
	rb_puts(b, cls);
	rb_puts(b, "\" stroke=\"");
	rb_puts(b, color);
	rb_puts(b, "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\" x1=\"");
	rb_fixed2(b, x);
	rb_puts(b, "\" x2=\"");
	rb_fixed2(b, x);
	rb_puts(b, "\" y1=\"");
	rb_fixed2(b, f->y0);
	rb_puts(b, "\" y2=\"");
	rb_fixed2(b, f->y1);
	rb_puts(b, "\"/>");
}

/* p50 and p99 of every series (stacked from the top), then the reference
 * marks (stacked from the bottom). */
static void markers(rbuf *b, const frame *f, const rep_series *s, size_t n,
		    const rep_chart_opts *o)
{
	static const int pcts[2] = {50, 99};
	size_t row = 0;
	/* beyond three series the marks would hide the lines: the legend
	 * carries every series' p50 and p99 then */
	for (size_t i = 0; i < n && n <= 3; i++) {
		if (!s[i].n)
			continue;
		for (int k = 0; k < 2; k++, row++) {
			int64_t v = rep_percentile(s[i].v_ns, s[i].n, pcts[k]);
			double x = sx(f, (double)v / 1e9);
			/* one series: dark marks, visible over its own bars */
			const char *c =
			    n == 1 ? "#111" : palette[i % CH_MAX_SERIES];
			vline(b, f, x, c, "pct");
			text_at(b, f, x, f->y0 + 11 + (double)row * 12,
				"pct-label", c);
			rb_printf(b, "p%d ", pcts[k]);
			rb_secs(b, v);
			rb_puts(b, " s</text>");
		}
	}
	for (size_t i = 0; o && i < o->nmarks && i < REP_CHART_MARKS; i++) {
		if (o->mark_ns[i] <= 0)
			continue;
		double x = sx(f, (double)o->mark_ns[i] / 1e9);
		vline(b, f, x, "#e02424", "mark");
		text_at(b, f, x, f->y1 - 6 - (double)i * 12, "mark-label",
			"#e02424");
		rb_html(b, o->mark_label[i] ? o->mark_label[i] : "");
		rb_putc(b, ' ');
		rb_secs(b, o->mark_ns[i]);
		rb_puts(b, " s</text>");
	}
}

static void bins_of(const frame *f, const rep_series *s, size_t bins[CH_BINS])
{
	memset(bins, 0, CH_BINS * sizeof bins[0]);
	for (size_t i = 0; i < s->n; i++) {
		double t = (double)s->v_ns[i] / 1e9;
		if (!(t > 0))
			t = 0; /* a negative value (caller's data) counts in bin
				  0 */
		size_t k = (size_t)(t / f->xmax_s * CH_BINS);
		bins[k >= CH_BINS ? CH_BINS - 1 : k]++;
	}
}

static void hist_series(rbuf *b, const frame *f, const rep_series *s,
			size_t idx, bool outline, const char *unit)
{
	size_t bins[CH_BINS];
	bins_of(f, s, bins);
	double bw = (f->x1 - f->x0) / CH_BINS, bs = f->xmax_s / CH_BINS;
	const char *c = palette[idx % CH_MAX_SERIES];
	rb_puts(b, "<g class=\"series\" fill=\"");
	rb_puts(b, c);
	rb_puts(b,
		outline
		    ? "\" fill-opacity=\"0.25\" stroke-width=\"1.5\" stroke=\""
		    : "\" stroke=\"");
	rb_puts(b, outline ? c : "none");
	rb_puts(b, "\">");
	for (size_t k = 0; k < CH_BINS; k++) {
		if (!bins[k])
			continue;
		double top = sy(f, (double)bins[k]);
		rb_puts(b, "<rect x=\"");
		rb_fixed2(b, f->x0 + bw * (double)k + (outline ? 0 : 0.5));
		rb_puts(b, "\" y=\"");
		rb_fixed2(b, top);
		rb_puts(b, "\" width=\"");
		rb_fixed2(b, outline ? bw : bw - 1);
		rb_puts(b, "\" height=\"");
		rb_fixed2(b, f->y1 - top);
		rb_puts(b, "\"><title>");
		rb_html(b, s->label ? s->label : "");
		rb_printf(b, ": %zu %s from %.3f s to %.3f s</title></rect>",
			  bins[k], unit, bs * (double)k, bs * (double)(k + 1));
	}
	rb_puts(b, "</g>");
}

static void chart_close(rbuf *b, const frame *f, size_t n)
{
	if (n == 0) {
		rb_puts(b, "<text x=\"");
		rb_fixed2(b, (f->x0 + f->x1) / 2);
		rb_puts(b, "\" y=\"");
		rb_fixed2(b, (f->y0 + f->y1) / 2);
		rb_puts(
		    b,
		    "\" text-anchor=\"middle\" fill=\"#888\">no data</text>");
	}
	rb_puts(b, "</svg>\n");
}

void rep_chart_hist(rbuf *b, const rep_series *s, size_t n,
		    const rep_chart_opts *o)
{
	frame f;
	memset(&f, 0, sizeof f);
	if (n > CH_MAX_SERIES)
		n = CH_MAX_SERIES;
	frame_x(&f, s, n, o);
	size_t peak = 1;
	for (size_t i = 0; i < n; i++) {
		size_t bins[CH_BINS];
		bins_of(&f, &s[i], bins);
		for (size_t k = 0; k < CH_BINS; k++)
			if (bins[k] > peak)
				peak = bins[k];
	}
	f.ystep = nice_step((double)peak / 5);
	if (f.ystep < 1)
		f.ystep = 1;
	/* headroom above the tallest bar for the percentile labels */
	f.ymax = ceil((double)peak * 1.15 / f.ystep) * f.ystep;
	const char *ylab = o && o->y_label ? o->y_label : "count";
	frame_open(b, &f, n, "hist", o);
	axes(b, &f, o ? o->x_label : NULL, ylab, false);
	for (size_t i = 0; i < n; i++)
		hist_series(b, &f, &s[i], i, n > 1, ylab);
	markers(b, &f, s, n, o);
	legend(b, s, n);
	chart_close(b, &f, n);
}

/* One step line per series, at most one vertex per svg unit: a 100,000
 * value series costs what a 700 value one does. */
static void cdf_series(rbuf *b, const frame *f, const rep_series *s, size_t idx)
{
	if (!s->n)
		return;
	rb_puts(b, "<path class=\"series\" fill=\"none\" stroke-width=\"2\" "
		   "stroke=\"");
	rb_puts(b, palette[idx % CH_MAX_SERIES]);
	rb_puts(b, "\" d=\"M");
	rb_fixed2(b, f->x0);
	rb_putc(b, ' ');
	rb_fixed2(b, f->y1);
	size_t j = 0;
	double prev = 0;
	int steps = (int)(f->x1 - f->x0);
	for (int p = 1; p <= steps; p++) {
		double t_ns = (double)p / steps * f->xmax_s * 1e9;
		while (j < s->n && (double)s->v_ns[j] <= t_ns)
			j++;
		double frac = (double)j / (double)s->n;
		if (frac == prev)
			continue;
		rb_puts(b, "H");
		rb_fixed2(b, f->x0 + p);
		rb_puts(b, "V");
		rb_fixed2(b, sy(f, frac));
		prev = frac;
	}
	rb_puts(b, "H");
	rb_fixed2(b, f->x1);
	rb_puts(b, "\"><title>");
	rb_html(b, s->label ? s->label : "");
	rb_puts(b, "</title></path>");
}

void rep_chart_cdf(rbuf *b, const rep_series *s, size_t n,
		   const rep_chart_opts *o)
{
	frame f;
	memset(&f, 0, sizeof f);
	if (n > CH_MAX_SERIES)
		n = CH_MAX_SERIES;
	frame_x(&f, s, n, o);
	f.ymax = 1;
	f.ystep = 0.2;
	frame_open(b, &f, n, "cdf", o);
	axes(b, &f, o ? o->x_label : NULL, "share of values \xe2\x89\xa4 x",
	     true);
	for (size_t i = 0; i < n; i++)
		cdf_series(b, &f, &s[i], i);
	markers(b, &f, s, n, o);
	legend(b, s, n);
	chart_close(b, &f, n);
}

static char *to_string(void (*fn)(rbuf *, const rep_series *, size_t,
				  const rep_chart_opts *),
		       const rep_series *s, size_t n, const rep_chart_opts *o)
{
	rbuf b;
	rb_init(&b, 8 * 1024);
	fn(&b, s, n, o);
	rb_putc(&b, '\0');
	if (b.oom) {
		rb_free(&b);
		return NULL;
	}
	return b.p;
}

char *rep_chart_hist_svg(const rep_series *s, size_t n, const rep_chart_opts *o)
{
	return to_string(rep_chart_hist, s, n, o);
}

char *rep_chart_cdf_svg(const rep_series *s, size_t n, const rep_chart_opts *o)
{
	return to_string(rep_chart_cdf, s, n, o);
}
