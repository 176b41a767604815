#!/usr/bin/env bash
# Every reference the project makes to its spec, its design or its own files
# names something that is in the tree:
#   election-spec.md N / N.M / 7 #K / HK   a heading, a row of the section 7
#                                          table or a hazard of docs/election-spec.md
#   architecture.md seam N, or "Title"     a seam / heading of docs/architecture.md
#   a path under docs/ (.md), tests/fixtures/, scenarios/ (.yaml), and a
#   relative markdown link in a .md file   a file or folder that exists
#   the spec or the design by its old upper-case name, or the sibling folder
#   outside the repository                 never (a clone does not have them)
# A bare "spec 6.3" must name the file too. Scans `git ls-files` (code, docs,
# scenarios, headers), skipping tests/fuzz/corpus/ and this script. Prints
# file:line: what is wrong, and exits 1 on any problem.
#
#   tests/live/test_docs_refs.sh              check the tree, then self-test
#   tests/live/test_docs_refs.sh --self-test  only the self-test: plant each
#                                             kind of bad reference in a temp
#                                             copy and require a failure there
#   tests/live/test_docs_refs.sh --no-self-test
set -u
cd "$(dirname "$0")/../.." || exit 1
command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 77; }
command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
files=$(git ls-files 2>/dev/null) || { echo "skip: not a git checkout"; exit 77; }
printf '%s\n' "$files" | exec python3 -c '
import glob, os, re, shutil, sys, tempfile

SELF = "tests/live/test_docs_refs.sh"
SPEC = "docs/election-spec.md"
ARCH = "docs/architecture.md"
# Spelled in pieces so that this script does not trip its own check.
OLD_NAMES = re.compile("ELECTION" + "-SPEC|ARCHITECTURE" + r"\.md|\bshared" + "/")

def skipped(path):
    return path.startswith("tests/fuzz/corpus/") or path == SELF

def read(root, path):
    try:
        with open(os.path.join(root, path), "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", "replace")

# ---- what exists -----------------------------------------------------------

def spec_targets(root):
    text = read(root, SPEC) or ""
    sections, rows, hazards = set(), set(), set()
    in7 = False
    for line in text.splitlines():
        m = re.match(r"## (\d+)\. ", line)
        if m:
            sections.add(m.group(1))
            in7 = m.group(1) == "7"
        m = re.match(r"### (\d+\.\d+) ", line)
        if m:
            sections.add(m.group(1))
        m = re.match(r"\| (\d+) \|", line)
        if m and in7:
            rows.add(m.group(1))
        m = re.match(r"- \*\*H(\d+)\*\* ", line)
        if m:
            hazards.add(m.group(1))
    return sections, rows, hazards

def arch_targets(root):
    text = read(root, ARCH) or ""
    seams = set(re.findall(r"^\*\*Seam (\d+)\.", text, re.M))
    titles = set(t.strip() for t in re.findall(r"^#{2,4} (.+)$", text, re.M))
    return seams, titles

# ---- references ------------------------------------------------------------

COMMENT = re.compile(r"^\s*(?:\*|//|#(?=\s|$)|;|--)?\s*")
SPEC_REF = re.compile(r"election-spec\.md`?(?:\]\([^)]*\))?,?\s*(?:sections?\s+)?")
SPEC_TOK = re.compile(r"(H\d+|#\d+|\d+(?:\.\d+)?)(?![\w.]*\d)")
SPEC_SEP = re.compile(r"\s*(?:,\s*|/\s*|\s+and\s+|\s+(?=#)|\s*\([^()\d]*\)(?:\s*,\s*|\s+and\s+)?)")
ARCH_SEAM = re.compile(r"architecture\.md`?,?\s+seams?\s+(\d+)(?:\s*(?:[-\u2013]|\.\.)\s*(\d+))?")
ARCH_TITLE = re.compile(r"architecture\.md`?,?\s+\"([^\"]+)\"")
BARE_SPEC = re.compile(r"(?<![-\w.])spec(?:\x27s)?\s+(?:sections?\s+)?[1-9](?:\.\d+)?\b")
PATH = re.compile(r"(?<![\w./-])((?:docs/[\w./-]+\.md|tests/fixtures/[\w./*-]*|scenarios/[\w./*-]+\.ya?ml))(?![\w*<{%$])")
MDLINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")

def spec_refs(tail):
    """The section/row/hazard tokens that follow one election-spec.md."""
    out, pos = [], 0
    while True:
        m = SPEC_TOK.match(tail, pos)
        if not m:
            break
        out.append(m.group(1))
        pos = m.end()
        s = SPEC_SEP.match(tail, pos)
        if not s or not SPEC_TOK.match(tail, s.end()):
            break
        pos = s.end()
    return out

def c_comments(lines):
    """Per line, only the text inside C comments: a path in a string
    literal is data (a test input, a name to create), not a reference."""
    out, in_block = [], False
    for line in lines:
        keep, i, n, in_str = [], 0, len(line), False
        while i < n:
            if in_block:
                j = line.find("*/", i)
                if j < 0:
                    keep.append(line[i:]); i = n
                else:
                    keep.append(line[i:j]); i = j + 2; in_block = False
            elif in_str:
                if line[i] == "\\":
                    i += 2
                    continue
                if line[i] == "\"":
                    in_str = False
                i += 1
            elif line.startswith("/*", i):
                in_block = True; i += 2
            elif line.startswith("//", i):
                keep.append(line[i + 2:]); i = n
            else:
                if line[i] == "\"":
                    in_str = True
                i += 1
        out.append(" ".join(keep))
    return out

def check(root, files):
    sections, rows, hazards = spec_targets(root)
    seams, titles = arch_targets(root)
    problems = []
    if not sections:
        problems.append("%s: no numbered sections found (is the file there?)" % SPEC)
    if not seams:
        problems.append("%s: no \"**Seam N.**\" paragraphs found" % ARCH)
    for path in files:
        if skipped(path):
            continue
        text = read(root, path)
        if text is None:
            continue
        lines = text.splitlines()
        prose = c_comments(lines) if path.endswith((".c", ".h")) else lines
        for i, line in enumerate(lines):
            where = "%s:%d" % (path, i + 1)
            nxt = COMMENT.sub("", lines[i + 1]) if i + 1 < len(lines) else ""
            for m in OLD_NAMES.finditer(line):
                problems.append("%s: \"%s\" names a file that is not in the repository; "
                                "cite election-spec.md or architecture.md (docs/)" % (where, m.group(0)))
            for m in SPEC_REF.finditer(line):
                tail = (line[m.end():].rstrip() + " " + nxt).lstrip()
                for tok in spec_refs(tail):
                    if tok.startswith("H"):
                        ok, what = tok[1:] in hazards, "hazard " + tok
                    elif tok.startswith("#"):
                        ok, what = tok[1:] in rows, "row " + tok + " of section 7"
                    else:
                        ok, what = tok in sections, "section " + tok
                    if not ok:
                        problems.append("%s: election-spec.md has no %s" % (where, what))
            for m in ARCH_SEAM.finditer(line):
                lo = int(m.group(1))
                hi = int(m.group(2) or lo)
                for n in range(lo, hi + 1):
                    if str(n) not in seams:
                        problems.append("%s: architecture.md has no seam %d" % (where, n))
            for m in ARCH_TITLE.finditer(line):
                if m.group(1) not in titles:
                    problems.append("%s: architecture.md has no section \"%s\"" % (where, m.group(1)))
            for m in BARE_SPEC.finditer(line):
                problems.append("%s: \"%s\" does not say which file; write election-spec.md %s"
                                % (where, m.group(0), m.group(0).split()[-1]))
            for m in PATH.finditer(prose[i]):
                p = m.group(1).rstrip(".,:;")
                if "..." in p:
                    continue
                if not (glob.glob(os.path.join(root, p)) if "*" in p else os.path.exists(os.path.join(root, p))):
                    problems.append("%s: %s does not exist" % (where, p))
            if path.endswith(".md"):
                for m in MDLINK.finditer(line):
                    t = m.group(1)
                    if re.match(r"[a-z]+:", t) or t.startswith("/"):
                        continue
                    p = os.path.normpath(os.path.join(os.path.dirname(path), t))
                    if not os.path.exists(os.path.join(root, p)):
                        problems.append("%s: link target %s does not exist" % (where, t))
    return problems

# ---- self-test -------------------------------------------------------------

PLANTS = [
    # (file to change, text appended, what the failure must say)
    ("elector/elector.c", "/* election-spec.md 6.9 */", "election-spec.md has no section 6.9"),
    ("elector/elector.c", "/* election-spec.md 7 #17 */", "has no row #17"),
    ("elector/elector.c", "/* election-spec.md H9 */", "has no hazard H9"),
    ("elector/elector.c", "/* (election-spec.md 2.3,\n * 6.9) */", "election-spec.md has no section 6.9"),
    ("elector/elector.c", "/* election-spec.md sections 2 (HEAD) and 10 */", "has no section 10"),
    ("elector/elector.c", "/* (election-spec.md\n * H7) */", "has no hazard H7"),
    ("scenarios/bugs/pause-leader.yaml", "# (election-spec.md 7\n#19)", "has no row #19"),
    ("elector/elector.c", "/* architecture.md seam 5 */", "architecture.md has no seam 5"),
    ("elector/elector.c", "/* architecture.md \"The oracle\" */", "no section \"The oracle\""),
    ("elector/elector.c", "/* see spec 6.3 */", "does not say which file"),
    ("elector/elector.c", "/* see docs/no-such.md */", "docs/no-such.md does not exist"),
    ("elector/elector.c", "/* tests/fixtures/records/no-such.json */", "no-such.json does not exist"),
    ("README.md", "See scenarios/bugs/no-such.yaml.", "scenarios/bugs/no-such.yaml does not exist"),
    ("docs/sim-cli.md", "[gone](no-such.md)", "link target no-such.md does not exist"),
    ("elector/elector.c", "/* " + "ELECTION" + "-SPEC 6.3 */", "names a file that is not in"),
    ("elector/elector.c", "/* " + "ARCHITECTURE" + ".md */", "names a file that is not in"),
    ("elector/elector.c", "/* ../" + "shared/ */", "names a file that is not in"),
]

def self_test(files):
    files = [f for f in files if not skipped(f)]
    tmp = tempfile.mkdtemp(prefix="docs-refs.")
    failed = 0
    try:
        for f in files:
            dst = os.path.join(tmp, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if os.path.isfile(f):
                shutil.copyfile(f, dst)
        for target, text, want in PLANTS:
            dst = os.path.join(tmp, target)
            with open(dst) as fh:
                orig = fh.read()
            with open(dst, "a") as fh:
                fh.write("\n" + text + "\n")
            line = orig.count("\n") + 2
            got = check(tmp, [target])  # a plant can only break its own file
            with open(dst, "w") as fh:
                fh.write(orig)
            hit = [p for p in got if want in p and p.startswith("%s:%d:" % (target, line))]
            if not hit:
                failed += 1
                print("self-test: planting %r in %s:%d gave %s, expected one naming %s:%d and %r"
                      % (text, target, line, got or "no failure", target, line, want))
        # A section taken out of the spec breaks every reference to it.
        spec = os.path.join(tmp, SPEC)
        with open(spec) as fh:
            orig = fh.read()
        with open(spec, "w") as fh:
            fh.write(orig.replace("### 6.4 ", "### 6.4x ", 1))
        got = check(tmp, files)
        with open(spec, "w") as fh:
            fh.write(orig)
        if not any("election-spec.md has no section 6.4" in p for p in got):
            failed += 1
            print("self-test: removing heading 6.4 from the spec did not fail the references to it")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("self-test: %d of %d planted bad references caught" % (len(PLANTS) + 1 - failed, len(PLANTS) + 1))
    return 1 if failed else 0

files = [l for l in sys.stdin.read().splitlines() if l]
mode = sys.argv[1] if len(sys.argv) > 1 else ""
rc = 0
if mode != "--self-test":
    problems = check(".", files)
    for p in problems:
        print(p)
    n = sum(1 for f in files if not skipped(f))
    print("%d files checked, %d bad references" % (n, len(problems)))
    rc = 1 if problems else 0
if mode != "--no-self-test":
    rc = self_test(files) or rc
sys.exit(rc)
' "$@"
