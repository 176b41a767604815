/* reports/timeline.c — timeline.html: one self-contained file, inline SVG and
 * a little JavaScript for zoom and pan; no network access.
 *
 * Lanes: one per pod (following, leading, dead; paused and cut-off drawn as
 * overlays), one for the lease holder as the store saw it, one for
 * failovers. Fault windows are shaded across every lane, overlaps are red.
 * Geometry is in pixels at zoom 1 inside #inner; zoom scales x only, so
 * nothing is drawn as text inside the scaled group (labels live outside it
 * and are repositioned by the script). Long runs are thinned per lane
 * (segments under half a pixel merged into "mixed" ones); overlaps,
 * failovers and faults are never thinned.
 *
 * The svg scales to the window (viewBox, width 100%); the script converts
 * mouse positions back to svg units. Every history event up to
 * MAX_EVENT_TICKS is a tick on its lane; hovering it shows its line of
 * history.jsonl, which the page carries in a hidden <textarea>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

enum {
	LABEL_W = 190,
	PLOT_W = 1200,
	TOP_H = 46,
	LANE_H = 22,
	LANE_GAP = 8,
	MAX_SEGS_PER_LANE = 3000,
	MAX_EVENT_TICKS = 4000,
	MAX_HOLDER_KEYS = 24,
};

static double px(const rep_model *m, int64_t t_ns)
{
	return (double)t_ns * PLOT_W / (double)m->end_ns;
}

static void rect(rbuf *b, const char *cls, double x0, double x1, double y,
		 double hgt, const char *style)
{
	double w = x1 - x0;
	if (w < 0.5)
		w = 0.5;
	rb_puts(b, "<rect class=\"");
	rb_puts(b, cls);
	rb_puts(b, "\" x=\"");
	rb_fixed2(b, x0);
	rb_puts(b, "\" y=\"");
	rb_fixed2(b, y);
	rb_puts(b, "\" width=\"");
	rb_fixed2(b, w);
	rb_puts(b, "\" height=\"");
	rb_fixed2(b, hgt);
	rb_putc(b, '"');
	if (style) {
		rb_puts(b, " style=\"");
		rb_puts(b, style);
		rb_putc(b, '"');
	}
	rb_putc(b, '>');
}

static void title_span(rbuf *b, const char *what, int64_t t0, int64_t t1)
{
	rb_puts(b, "<title>");
	rb_html(b, what);
	rb_puts(b, ": ");
	rb_secs(b, t0);
	rb_puts(b, " s – ");
	rb_secs(b, t1);
	rb_puts(b, " s (");
	rb_secs(b, t1 - t0);
	rb_puts(b, " s)</title></rect>");
}

static const char *state_class(rep_state s)
{
	switch (s) {
	case REP_ST_FOLLOWING: return "seg following";
	case REP_ST_LEADING: return "seg leading";
	case REP_ST_DEAD: return "seg dead";
	case REP_ST_PAUSED: return "ov paused";
	case REP_ST_CUT: return "ov cut";
	case REP_ST_MIXED: return "seg mixed";
	}
	return "seg";
}

static const char *state_name(rep_state s)
{
	switch (s) {
	case REP_ST_FOLLOWING: return "following";
	case REP_ST_LEADING: return "leading";
	case REP_ST_DEAD: return "not running";
	case REP_ST_PAUSED: return "paused";
	case REP_ST_CUT: return "cut off";
	case REP_ST_MIXED: return "many short states";
	}
	return "";
}

static void holder_color(rbuf *b, int32_t id)
{
	if (id < 0) {
		rb_puts(b, "fill:#d9d9d9");
		return;
	}
	rb_puts(b, "fill:hsl(");
	rb_i64(b, (int64_t)((id * 67 + 140) % 360));
	rb_puts(b, ",55%,55%)");
}

static const char CSS[] =
	"body{font:13px system-ui,sans-serif;margin:16px;color:#222}"
	"h1{font-size:18px;margin:0 0 4px}.verdict{font-weight:600;padding:2px 6px;border-radius:3px}"
	".pass{background:#dff3df}.fail{background:#f8d7d7}"
	".bug{background:#fff3d6;color:#8a4b00}"
	"svg#tl{border:1px solid #ccc;background:#fff;cursor:grab;user-select:none;width:100%;height:auto;display:block}"
	".settings td,.settings th{padding:1px 8px}.ev{stroke:#333;stroke-width:3;opacity:.35}"
	".ev:hover{opacity:1;stroke:#000}.folbl{font-size:11px;fill:#1f4fbf;font-weight:600}"
	"#tip{position:fixed;display:none;max-width:70vw;background:#fffbe6;border:1px solid #d4b106;"
	"padding:4px 6px;font:11px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;"
	"pointer-events:none;z-index:9}"
	".following{fill:#cfd8e3}.leading{fill:#2e9d4e}.dead{fill:#f4f4f4}.mixed{fill:#8fa9c2}"
	".paused{fill:#f2c037;opacity:.85}.cut{fill:url(#hatch)}"
	".fault{fill:#7b61ff;opacity:.10}.overlap rect{fill:#e02424;opacity:.75}"
	".failover{stroke:#1f6feb;stroke-width:2}.failover.over{stroke:#e02424}"
	".lanebg{fill:#fafafa}.lbl{font-size:12px}.axis text{font-size:11px;fill:#555}"
	".axis line{stroke:#e5e5e5}.flbl{font-size:10px;fill:#5a44d6}"
	"table{border-collapse:collapse;margin-top:10px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}"
	".key span{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px}";

/* Zoom (wheel, buttons) and pan (drag) by rewriting one transform; axis
 * ticks and floating labels are recomputed for the visible range. */
static const char JS[] =
	"(function(){'use strict';"
	"var svg=document.getElementById('tl'),inner=document.getElementById('inner'),"
	"tip=document.getElementById('tip'),evs=document.getElementById('events'),"
	"lines=evs?evs.value.split('\\n'):[],VBW=svg.viewBox.baseVal.width,"
	"ax=document.getElementById('axis'),fl=document.querySelectorAll('[data-x]'),"
	"W=+svg.dataset.plotw,L=+svg.dataset.labelw,H=+svg.dataset.h,end=+svg.dataset.end,"
	"k=1,tx=0,MAXK=Math.max(1,end/W*1000*4);"
	"function clamp(){if(k<1)k=1;if(k>MAXK)k=MAXK;var mn=W-W*k;if(tx>0)tx=0;if(tx<mn)tx=mn;}"
	"function nice(s){var p=Math.pow(10,Math.floor(Math.log10(s))),m=s/p;"
	"return (m<=1?1:m<=2?2:m<=5?5:10)*p;}"
	"function axis(){while(ax.firstChild)ax.removeChild(ax.firstChild);"
	"var t0=(-tx)/k/W*end,t1=(W-tx)/k/W*end,st=nice((t1-t0)/10),ns='http://www.w3.org/2000/svg';"
	"for(var t=Math.ceil(t0/st)*st;t<=t1+1e-9;t+=st){var x=L+tx+k*t/end*W;"
	"var ln=document.createElementNS(ns,'line');ln.setAttribute('x1',x);ln.setAttribute('x2',x);"
	"ln.setAttribute('y1',30);ln.setAttribute('y2',H);ax.appendChild(ln);"
	"var tt=document.createElementNS(ns,'text');tt.setAttribute('x',x+2);tt.setAttribute('y',26);"
	"tt.textContent=(st<1?t.toFixed(3):st<10?t.toFixed(1):t.toFixed(0))+' s';ax.appendChild(tt);}}"
	"function apply(){clamp();inner.setAttribute('transform','matrix('+k+',0,0,1,'+tx+',0)');"
	"for(var i=0;i<fl.length;i++){var x=L+tx+k*(+fl[i].dataset.x);fl[i].setAttribute('x',x);"
	"fl[i].style.display=(x<L||x>L+W)?'none':'';}axis();}"
	"function zoom(f,at){var x0=(at-tx)/k;k*=f;clamp();tx=at-x0*k;apply();}"
	"function unit(){var r=svg.getBoundingClientRect();return r.width>0?VBW/r.width:1;}"
	"svg.addEventListener('wheel',function(e){e.preventDefault();"
	"var r=svg.getBoundingClientRect();zoom(e.deltaY<0?1.25:0.8,(e.clientX-r.left)*unit()-L);},{passive:false});"
	"var drag=null;svg.addEventListener('mousedown',function(e){drag={x:e.clientX,tx:tx,u:unit()};});"
	"window.addEventListener('mousemove',function(e){if(drag){tx=drag.tx+(e.clientX-drag.x)*drag.u;apply();}});"
	"svg.addEventListener('mouseover',function(e){var i=e.target.getAttribute('data-i');"
	"if(i===null){tip.style.display='none';return;}"
	"tip.textContent='history.jsonl line '+(+i+2)+':\\n'+(lines[+i+1]||'');tip.style.display='block';"
	"tip.style.left=Math.min(e.clientX+12,window.innerWidth-tip.offsetWidth-8)+'px';"
	"tip.style.top=(e.clientY+14)+'px';});"
	"svg.addEventListener('mouseleave',function(){tip.style.display='none';});"
	"document.addEventListener('keydown',function(e){if(e.target&&/INPUT|TEXTAREA/.test(e.target.tagName))return;"
	"var c=e.key;if(c==='+'||c==='='){zoom(1.5,W/2);}else if(c==='-'||c==='_'){zoom(1/1.5,W/2);}"
	"else if(c==='0'){k=1;tx=0;apply();}else if(c==='ArrowLeft'){tx+=W/10;apply();}"
	"else if(c==='ArrowRight'){tx-=W/10;apply();}else return;e.preventDefault();});"
	"window.addEventListener('mouseup',function(){drag=null;});"
	"document.getElementById('zin').onclick=function(){zoom(2,W/2);};"
	"document.getElementById('zout').onclick=function(){zoom(0.5,W/2);};"
	"document.getElementById('zreset').onclick=function(){k=1;tx=0;apply();};"
	"apply();document.body.setAttribute('data-rendered','ok');})();";

/* Thin every lane to what half a pixel can show (thinning rewrites the
 * model's lanes in place). */
static void tl_thin(rep_model *m)
{
	int64_t half_px_ns = m->end_ns / PLOT_W / 2;
	for (size_t i = 0; i < m->npods; i++) {
		rep_segs_thin(&m->pod_base[i], half_px_ns, MAX_SEGS_PER_LANE);
		rep_segs_thin(&m->pod_overlay[i], half_px_ns, MAX_SEGS_PER_LANE);
		rep_segs_thin(&m->pod_lead[i], half_px_ns, MAX_SEGS_PER_LANE);
	}
	rep_segs_thin(&m->lease, half_px_ns, MAX_SEGS_PER_LANE);
}

static void secs_cell(rbuf *b, int64_t ns)
{
	rb_puts(b, "<td>");
	rb_secs(b, ns);
	rb_puts(b, " s</td>");
}

/* The election settings the run used (the scenario's defaults; pods that
 * override them are listed in report.json). */
static void tl_settings(rbuf *b, const sim_scenario *sc)
{
	const sim_election *e = &sc->defaults;
	size_t overrides = 0;
	for (size_t i = 0; i < sc->npods; i++)
		overrides += !sim_election_equal(&sc->pods[i].election, e);
	rb_puts(b, "<table class=\"settings\"><tr><th>profile</th><th>lock</th><th>lease duration</th>"
		   "<th>renew deadline</th><th>retry period</th><th>request timeout</th>"
		   "<th>release on cancel</th><th>pods</th><th>faults</th></tr><tr><td>");
	rb_html(b, rep_profile_name(e->profile));
	rb_puts(b, "</td><td>");
	rb_html(b, le_lock_kind_name(e->lock_kind));
	rb_puts(b, " ");
	rb_html(b, e->lock_namespace);
	rb_puts(b, "/");
	rb_html(b, e->lock_name);
	rb_puts(b, "</td>");
	secs_cell(b, e->lease_duration_ns);
	secs_cell(b, e->renew_deadline_ns);
	secs_cell(b, e->retry_period_ns);
	if (e->request_timeout_ns)
		secs_cell(b, e->request_timeout_ns);
	else
		rb_puts(b, "<td>profile default</td>");
	rb_puts(b, e->release_on_cancel ? "<td>yes</td><td>" : "<td>no</td><td>");
	rb_i64(b, (int64_t)sc->npods);
	if (overrides) {
		rb_puts(b, " (");
		rb_i64(b, (int64_t)overrides);
		rb_puts(b, " with own settings)");
	}
	rb_puts(b, "</td><td>");
	rb_i64(b, (int64_t)sc->nfaults);
	rb_puts(b, sc->nfaults ? " (listed under the plot)" : "");
	rb_puts(b, "</td></tr></table>");
}

/* The page above the plot: title, verdict, description, repro, key. */
static void tl_head(rbuf *b, const rep_run *run)
{
	const sim_scenario *sc = run->scenario;
	const sim_check_result *r = run->result;
	rb_puts(b, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<title>leaselab timeline — ");
	rb_html(b, sc->name);
	rb_puts(b, "</title><style>");
	rb_puts(b, CSS);
	rb_puts(b, "</style></head><body><h1>");
	rb_html(b, sc->name[0] ? sc->name : sc->file);
	rb_puts(b, " — seed ");
	rb_i64(b, (int64_t)run->seed);
	rep_verdict v = rep_verdict_of(sc, r);
	rb_puts(b, "</h1><p><span class=\"verdict ");
	rb_puts(b, v == REP_V_PASS ? "pass" : v == REP_V_BUG_REPRODUCED ? "bug" : "fail");
	rb_puts(b, "\">");
	rb_puts(b, rep_verdict_label(v));
	rb_puts(b, "</span> ");
	rb_html(b, r->verdict);
	rb_puts(b, "</p><p>");
	rb_html(b, sc->description);
	rb_puts(b, "</p><p>Reproduce: <code>");
	rb_html(b, run->repro_command ? run->repro_command : "");
	rb_puts(b, "</code></p>");
	tl_settings(b, sc);
	rb_puts(b, "<p><button id=\"zin\">zoom in</button> <button id=\"zout\">zoom out</button> "
		   "<button id=\"zreset\">reset</button> — wheel or +/− to zoom, drag or ←/→ to pan, "
		   "0 to reset; hover an event tick for its history line.</p>"
		   "<div class=\"key\"><span class=\"leading\" style=\"background:#2e9d4e\"></span>leading"
		   "<span style=\"background:#cfd8e3\"></span>following"
		   "<span style=\"background:#f2c037\"></span>paused"
		   "<span style=\"background:repeating-linear-gradient(45deg,#e67e22 0 2px,#fff 2px 4px)\"></span>cut off"
		   "<span style=\"background:#f4f4f4;border:1px solid #ccc\"></span>not running"
		   "<span style=\"background:#7b61ff;opacity:.3\"></span>fault"
		   "<span style=\"background:#e02424\"></span>two leaders"
		   "<span style=\"background:#1f6feb;height:3px\"></span>failover (label: its duration)</div>");
}

/* The colours of the lease-holder lane: one per identity that held it. */
static void tl_holder_key(rbuf *b, const rep_model *m, const sim_history *h)
{
	int32_t seen[MAX_HOLDER_KEYS];
	size_t n = 0;
	bool free_seen = false, more = false;
	for (size_t j = 0; j < m->lease.n; j++) {
		const rep_seg *g = &m->lease.v[j];
		if (g->state == REP_ST_MIXED || g->lane < 0) {
			free_seen = true;
			continue;
		}
		size_t k = 0;
		while (k < n && seen[k] != g->lane)
			k++;
		if (k < n)
			continue;
		if (n == MAX_HOLDER_KEYS) {
			more = true;
			continue;
		}
		seen[n++] = g->lane;
	}
	rb_puts(b, "<div class=\"key holders\">lease holder (store):");
	char style[64];
	for (size_t k = 0; k < n; k++) {
		rbuf sb = {style, 0, sizeof style, false};
		holder_color(&sb, seen[k]);
		rb_putc(&sb, '\0');
		rb_puts(b, "<span style=\"background:");
		rb_puts(b, style + 5); /* after "fill:" */
		rb_puts(b, "\"></span>");
		rb_html(b, rep_identity(h, seen[k]));
	}
	if (free_seen)
		rb_puts(b, "<span style=\"background:#d9d9d9\"></span>free / many short terms");
	if (more)
		rb_puts(b, " … and more");
	rb_puts(b, "</div>");
}

/* The <svg> element with its size, the data the script reads, and defs. */
static void tl_svg_open(rbuf *b, const rep_model *m, int height, int plot_bottom)
{
	rb_puts(b, "<svg id=\"tl\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
	rb_i64(b, LABEL_W + PLOT_W + 40); /* room for the last axis label */
	rb_putc(b, ' ');
	rb_i64(b, height);
	rb_puts(b, "\" preserveAspectRatio=\"xMinYMin meet\" data-plotw=\"");
	rb_i64(b, PLOT_W);
	rb_puts(b, "\" data-labelw=\"");
	rb_i64(b, LABEL_W);
	rb_puts(b, "\" data-h=\"");
	rb_i64(b, plot_bottom);
	rb_puts(b, "\" data-end=\"");
	rb_secs(b, m->end_ns);
	rb_puts(b, "\"><defs><pattern id=\"hatch\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" "
		   "patternTransform=\"rotate(45)\"><rect width=\"2\" height=\"4\" fill=\"#e67e22\"/></pattern>"
		   "<clipPath id=\"clip\"><rect x=\"0\" y=\"0\" width=\"");
	rb_i64(b, PLOT_W);
	rb_puts(b, "\" height=\"");
	rb_i64(b, height);
	rb_puts(b, "\"/></clipPath></defs><g class=\"axis\" id=\"axis\"></g>");
}

static void tl_lane_labels(rbuf *b, const rep_model *m, const sim_history *h,
			   size_t nlanes)
{
	for (size_t i = 0; i < nlanes; i++) {
		int y = TOP_H + (int)i * (LANE_H + LANE_GAP);
		rb_puts(b, "<text class=\"lbl\" x=\"4\" y=\"");
		rb_i64(b, y + 15);
		rb_puts(b, "\">");
		if (i < m->npods) {
			rb_html(b, rep_pod_name(h, (int32_t)i));
		} else if (i == m->npods) {
			rb_puts(b, "lease holder (store)");
		} else {
			rb_puts(b, "failovers");
		}
		rb_puts(b, "</text>");
	}
}

/* Fault windows, shaded across every lane, behind everything. */
static void tl_faults(rbuf *b, const rep_run *run, const rep_model *m,
		      int plot_bottom)
{
	const sim_history *h = run->history;
	char label[SIM_NAME_MAX + 32];
	for (size_t i = 0; i < m->nfaults; i++) {
		const rep_fault_win *f = &m->faults[i];
		double x0 = px(m, f->t0), x1 = px(m, f->t1);
		if (x1 - x0 < 2)
			x1 = x0 + 2;
		rect(b, "fault", x0, x1, 30, plot_bottom - 30, NULL);
		rb_puts(b, "<title>");
		rb_html(b, rep_fault_label(run->scenario, f->fault, label, sizeof label));
		if (f->pod >= 0) {
			rb_puts(b, " on ");
			rb_html(b, rep_pod_name(h, f->pod));
		}
		rb_puts(b, ": ");
		rb_secs(b, f->t0);
		rb_puts(b, " s – ");
		rb_secs(b, f->t1);
		rb_puts(b, " s</title></rect>");
	}
}

/* Pod lane i: following / dead, then leading on top (the checker's
 * intervals), then the paused / cut-off overlays. */
static void tl_pod_lane(rbuf *b, const rep_model *m, const sim_history *h,
			size_t i)
{
	double y = TOP_H + (double)i * (LANE_H + LANE_GAP);
	rb_puts(b, "<g class=\"lane\" data-pod=\"");
	rb_html(b, rep_pod_name(h, (int32_t)i));
	rb_puts(b, "\">");
	rect(b, "lanebg", 0, PLOT_W, y, LANE_H, NULL);
	rb_puts(b, "</rect>");
	const rep_segs *s = &m->pod_base[i];
	for (size_t j = 0; j < s->n; j++) {
		const rep_seg *g = &s->v[j];
		rect(b, state_class(g->state), px(m, g->t0), px(m, g->t1),
		     y + LANE_H * 0.25, LANE_H * 0.5, NULL);
		title_span(b, state_name(g->state), g->t0, g->t1);
	}
	/* leading, full height, on top: the checker's intervals */
	s = &m->pod_lead[i];
	for (size_t j = 0; j < s->n; j++) {
		const rep_seg *g = &s->v[j];
		bool mixed = g->state == REP_ST_MIXED;
		rect(b, mixed ? "seg mixed" : "seg leading", px(m, g->t0),
		     px(m, g->t1), y, LANE_H, mixed ? "fill:#6fbf83" : NULL);
		if (g->state == REP_ST_MIXED) {
			char what[48];
			snprintf(what, sizeof what, "leading, %d short terms", (int)g->count);
			title_span(b, what, g->t0, g->t1);
		} else {
			title_span(b, state_name(g->state), g->t0, g->t1);
		}
	}
	s = &m->pod_overlay[i];
	for (size_t j = 0; j < s->n; j++) {
		const rep_seg *g = &s->v[j];
		rect(b, state_class(g->state), px(m, g->t0), px(m, g->t1),
		     y + LANE_H * 0.7, LANE_H * 0.3, NULL);
		title_span(b, state_name(g->state), g->t0, g->t1);
	}
	rb_puts(b, "</g>");
}

/* The lease holder as the store saw it, one colour per identity. */
static void tl_lease_lane(rbuf *b, const rep_model *m, const sim_history *h)
{
	double y = TOP_H + (double)m->npods * (LANE_H + LANE_GAP);
	rb_puts(b, "<g class=\"lane-lease\">");
	char style[64];
	for (size_t j = 0; j < m->lease.n; j++) {
		const rep_seg *g = &m->lease.v[j];
		rbuf sb = {style, 0, sizeof style, false};
		holder_color(&sb, g->state == REP_ST_MIXED ? -1 : g->lane);
		rect(b, "term", px(m, g->t0), px(m, g->t1), y, LANE_H, style);
		rb_puts(b, "<title>");
		if (g->state == REP_ST_MIXED) {
			rb_i64(b, g->count);
			rb_puts(b, " short terms");
		} else {
			rb_puts(b, "holder ");
			rb_html(b, g->lane < 0 ? "\"\" (free)" : rep_identity(h, g->lane));
			rb_puts(b, ", ");
			rb_i64(b, g->count);
			rb_puts(b, " writes, transitions ");
			rb_i64(b, g->first_transitions);
			if (g->last_transitions != g->first_transitions) {
				rb_puts(b, "→");
				rb_i64(b, g->last_transitions);
			}
		}
		rb_puts(b, ": ");
		rb_secs(b, g->t0);
		rb_puts(b, " s – ");
		rb_secs(b, g->t1);
		rb_puts(b, " s</title></rect>");
	}
	rb_puts(b, "</g>");
}

/* Overlaps: one <g class="overlap"> per overlap, never thinned. */
static void tl_overlaps(rbuf *b, const rep_model *m, const sim_history *h,
			const sim_check_result *r)
{
	for (size_t i = 0; i < r->noverlaps; i++) {
		const sim_overlap *o = &r->overlaps[i];
		double x0 = px(m, o->start_ns), x1 = px(m, o->end_ns);
		if (x1 - x0 < 2)
			x1 = x0 + 2;
		rb_puts(b, "<g class=\"overlap\">");
		int32_t pods[2] = {o->pod_a, o->pod_b};
		for (int k = 0; k < 2; k++) {
			if (pods[k] < 0 || (size_t)pods[k] >= m->npods)
				continue;
			double y = TOP_H + (double)pods[k] * (LANE_H + LANE_GAP);
			rect(b, "ovl", x0, x1, y - 3, LANE_H + 6, NULL);
			rb_puts(b, "<title>two leaders: ");
			rb_html(b, rep_pod_name(h, o->pod_a));
			rb_puts(b, " + ");
			rb_html(b, rep_pod_name(h, o->pod_b));
			rb_puts(b, ", ");
			rb_secs(b, o->start_ns);
			rb_puts(b, " s – ");
			rb_secs(b, o->end_ns);
			rb_puts(b, " s (");
			rb_secs(b, o->end_ns - o->start_ns);
			rb_puts(b, " s), stale writes ");
			rb_i64(b, o->stale_writes);
			rb_puts(b, "</title></rect>");
		}
		rect(b, "ovl", x0, x1, 32, 8, NULL);
		rb_puts(b, "</rect></g>");
	}
}

/* Failovers: a bar from cause to new leader, in the last lane. */
static void tl_failovers(rbuf *b, const rep_model *m, const sim_history *h,
			 const sim_check_result *r)
{
	double y = TOP_H + (double)(m->npods + 1) * (LANE_H + LANE_GAP) + LANE_H / 2.0;
	for (size_t i = 0; i < r->nfailovers; i++) {
		const sim_failover *f = &r->failovers[i];
		int64_t t1 = f->to_pod >= 0 ? f->leader_ns : m->end_ns;
		rb_puts(b, "<line class=\"failover");
		rb_puts(b, f->within_bound ? "\"" : " over\"");
		rb_puts(b, " vector-effect=\"non-scaling-stroke\" x1=\"");
		rb_fixed2(b, px(m, f->cause_ns));
		rb_puts(b, "\" x2=\"");
		rb_fixed2(b, px(m, t1) < px(m, f->cause_ns) + 1 ? px(m, f->cause_ns) + 1 : px(m, t1));
		rb_puts(b, "\" y1=\"");
		rb_fixed2(b, y);
		rb_puts(b, "\" y2=\"");
		rb_fixed2(b, y);
		rb_puts(b, "\"><title>failover (");
		rb_puts(b, sim_failover_cause_name(f->cause));
		rb_puts(b, ") ");
		rb_html(b, rep_pod_name(h, f->from_pod));
		rb_puts(b, " → ");
		rb_html(b, f->to_pod >= 0 ? rep_pod_name(h, f->to_pod) : "(none)");
		rb_puts(b, ": ");
		rb_secs(b, f->cause_ns);
		rb_puts(b, " s, took ");
		rb_secs(b, t1 - f->cause_ns);
		rb_puts(b, " s, bound ");
		rb_secs(b, f->bound_ns);
		rb_puts(b, " s</title></line>");
	}
}

/* Each failover's duration, centred on its bar, repositioned on zoom. */
static void tl_failover_labels(rbuf *b, const rep_model *m, const sim_check_result *r)
{
	double y = TOP_H + (double)(m->npods + 1) * (LANE_H + LANE_GAP) + LANE_H / 2.0 - 4;
	for (size_t i = 0; i < r->nfailovers; i++) {
		const sim_failover *f = &r->failovers[i];
		int64_t t1 = f->to_pod >= 0 ? f->leader_ns : m->end_ns;
		double mid = (px(m, f->cause_ns) + px(m, t1)) / 2;
		rb_puts(b, "<text class=\"folbl\" text-anchor=\"middle\" y=\"");
		rb_fixed2(b, y);
		rb_puts(b, "\" data-x=\"");
		rb_fixed2(b, mid);
		rb_puts(b, "\" x=\"");
		rb_fixed2(b, LABEL_W + mid);
		rb_puts(b, "\">");
		rb_secs(b, t1 - f->cause_ns);
		rb_puts(b, f->to_pod >= 0 ? " s" : " s, no leader");
		rb_puts(b, "</text>");
	}
}

/* A tick per history event on its pod's lane (events of no pod on the
 * lease lane); data-i is the event's index, for the hover line. */
static void tl_event_ticks(rbuf *b, const rep_model *m, const sim_history *h)
{
	size_t n = h->n < MAX_EVENT_TICKS ? h->n : MAX_EVENT_TICKS;
	rb_puts(b, "<g class=\"events\">");
	for (size_t i = 0; i < n; i++) {
		const sim_event *e = &h->ev[i];
		size_t lane = e->pod >= 0 && (size_t)e->pod < m->npods ? (size_t)e->pod : m->npods;
		double y = TOP_H + (double)lane * (LANE_H + LANE_GAP);
		double x = px(m, e->t_ns);
		rb_puts(b, "<line class=\"ev\" vector-effect=\"non-scaling-stroke\" data-i=\"");
		rb_i64(b, (int64_t)i);
		rb_puts(b, "\" x1=\"");
		rb_fixed2(b, x);
		rb_puts(b, "\" x2=\"");
		rb_fixed2(b, x);
		rb_puts(b, "\" y1=\"");
		rb_fixed2(b, y - 3);
		rb_puts(b, "\" y2=\"");
		rb_fixed2(b, y + 3);
		rb_puts(b, "\"/>");
	}
	rb_puts(b, "</g>");
}

/* The history's lines (header + the ticked events) for the hover text, in
 * a hidden textarea: its content is text, so escaping is plain HTML. */
static void tl_event_lines(rbuf *b, const rep_run *run)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	int rc = sim_history_write_jsonl(run->history, run->scenario, f);
	if (fclose(f) != 0 || rc != LE_OK) {
		free(text);
		return;
	}
	/* keep the header and the first MAX_EVENT_TICKS event lines */
	size_t keep = 0, lines = 0;
	while (keep < len && lines <= MAX_EVENT_TICKS) {
		const char *nl = memchr(text + keep, '\n', len - keep);
		keep = nl ? (size_t)(nl - text) + 1 : len;
		lines++;
	}
	if (keep > 0 && text[keep - 1] == '\n')
		keep--;
	text[keep] = '\0';
	rb_puts(b, "<textarea id=\"events\" hidden readonly>");
	rb_html(b, text);
	rb_puts(b, "</textarea>");
	free(text);
}

/* Floating fault numbers above the plot, repositioned on zoom. */
static void tl_fault_numbers(rbuf *b, const rep_model *m)
{
	for (size_t i = 0; i < m->nfaults; i++) {
		rb_puts(b, "<text class=\"flbl\" y=\"40\" data-x=\"");
		rb_fixed2(b, px(m, m->faults[i].t0));
		rb_puts(b, "\" x=\"");
		rb_fixed2(b, LABEL_W + px(m, m->faults[i].t0));
		rb_puts(b, "\">F");
		rb_i64(b, (int64_t)i + 1);
		rb_puts(b, "</text>");
	}
}

/* The fault table under the plot (nothing when there were no faults). */
static void tl_fault_table(rbuf *b, const rep_run *run, const rep_model *m)
{
	const sim_history *h = run->history;
	char label[SIM_NAME_MAX + 32];
	if (m->nfaults == 0)
		return;
	rb_puts(b, "<table><tr><th>#</th><th>fault</th><th>pod</th><th>from</th><th>to</th></tr>");
	for (size_t i = 0; i < m->nfaults; i++) {
		const rep_fault_win *f = &m->faults[i];
		rb_puts(b, "<tr><td>F");
		rb_i64(b, (int64_t)i + 1);
		rb_puts(b, "</td><td>");
		rb_html(b, rep_fault_label(run->scenario, f->fault, label, sizeof label));
		rb_puts(b, "</td><td>");
		rb_html(b, f->pod >= 0 ? rep_pod_name(h, f->pod) : "all");
		rb_puts(b, "</td><td>");
		rb_secs(b, f->t0);
		rb_puts(b, " s</td><td>");
		rb_secs(b, f->t1);
		rb_puts(b, " s</td></tr>");
	}
	rb_puts(b, "</table>");
}

void rep_timeline_html(rbuf *b, const rep_run *run, const rep_model *m_in)
{
	const sim_history *h = run->history;
	rep_model *m = (rep_model *)m_in; /* thinning rewrites lanes in place */
	tl_thin(m);

	size_t nlanes = m->npods + 2;
	int height = TOP_H + (int)nlanes * (LANE_H + LANE_GAP) + 10;
	int plot_bottom = height - 10;

	tl_head(b, run);
	tl_holder_key(b, m, h);
	tl_svg_open(b, m, height, plot_bottom);
	tl_lane_labels(b, m, h, nlanes);
	rb_puts(b, "<g transform=\"translate(");
	rb_i64(b, LABEL_W);
	rb_puts(b, ",0)\" clip-path=\"url(#clip)\"><g id=\"inner\">");
	tl_faults(b, run, m, plot_bottom);
	for (size_t i = 0; i < m->npods; i++)
		tl_pod_lane(b, m, h, i);
	tl_lease_lane(b, m, h);
	tl_overlaps(b, m, h, run->result);
	tl_failovers(b, m, h, run->result);
	tl_event_ticks(b, m, h);
	rb_puts(b, "</g></g>");
	tl_fault_numbers(b, m);
	tl_failover_labels(b, m, run->result);
	rb_puts(b, "</svg><div id=\"tip\"></div>");
	tl_fault_table(b, run, m);
	tl_event_lines(b, run);
	rb_puts(b, "<script>window.onerror=function(m){document.body.setAttribute('data-error',String(m));};");
	rb_puts(b, JS);
	rb_puts(b, "</script></body></html>\n");
}
