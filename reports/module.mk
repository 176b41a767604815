# reports/: report.json, summary.md, timeline.html, junit.xml, the suite
# index and histograms (leaselab-rep, public: include/leaselab/report.h).

LIBS += leaselab-rep
PUBLIC_LIBS += leaselab-rep
leaselab-rep_SRCS := \
	reports/chart.c \
	reports/files.c \
	reports/model.c \
	reports/rbuf.c \
	reports/report.c \
	reports/suite.c \
	reports/summary.c \
	reports/timeline.c
leaselab-rep_PKGS := libcjson
PUBLIC_HEADERS += include/leaselab/report.h

# Unit tests: test_rep_*.c link the reports and everything they read.
UNIT_GROUPS += rep
unit_rep_LIBS := leaselab-rep leaselab-sim leaselab-fa leaselab-core

BENCHES += bench_reports
bench_reports_SRCS := bench/bench_reports.c bench/bench_json.c
bench_reports_LIBS := leaselab-rep leaselab-sim leaselab-fa leaselab-core
