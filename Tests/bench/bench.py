#!/usr/bin/env python3
"""flamegate benchmarks (`make bench`): the cost of recording, measured.

Rows: a CPU-bound target alone vs under `flamegate record` at 99 Hz and
999 Hz, runs interleaved so drift on a shared machine hits every
configuration alike; the target's own work time (measured inside it) is
compared, so flamegate's start-up and symbolization do not count as overhead
on the target (they are reported in their own column). Plus symbolization
speed, and the alloc probe: a loop of malloc/free pairs alone,
traced exactly, sampled, and under bpftrace merely counting the calls, as
ratios to the loop alone. Writes a Markdown table to .output/bench.md and
prints it.

Fixed cost: flamegate's own wall time per repetition, from a
scenario of `/bin/true` run 2 and 2+FIXED_RUNS times (every probe on; the
difference divided by FIXED_RUNS), beside one `bpftrace` profile and one
`perf record` of the same command.
"""
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("FLAMEGATE", os.path.join(ROOT, ".build/release/flamegate"))
RUNS = int(os.environ.get("BENCH_RUNS", "11"))
ITERATIONS = os.environ.get("BENCH_ITERATIONS", "1000000000")
OUT = os.path.join(ROOT, ".output", "bench.md")
ALLOC_RUNS = int(os.environ.get("BENCH_ALLOC_RUNS", "5"))
ALLOC_PAIRS = os.environ.get("BENCH_ALLOC_PAIRS", "1000000")
ALLOC_SAMPLE = os.environ.get("BENCH_ALLOC_SAMPLE", "512KiB")
LEAKS = 4  # 1 MiB buffers malloc_loop leaks after its loop
FIXED_RUNS = int(os.environ.get("BENCH_FIXED_RUNS", "20"))
FIXED_SAMPLES = int(os.environ.get("BENCH_FIXED_SAMPLES", "3"))


def build_target(tmp, source="scenarios/targets/fixedwork.c"):
    exe = os.path.join(tmp, os.path.splitext(os.path.basename(source))[0])
    subprocess.run(["gcc", "-O2", "-g", "-fno-omit-frame-pointer", "-o", exe, os.path.join(ROOT, source)], check=True)
    return exe


def work_seconds(text):
    for line in text.splitlines():
        if line.startswith("work_seconds "):
            return float(line.split()[1])
    raise RuntimeError("no work_seconds in output: %r" % text)


def run_alone(exe, arg=ITERATIONS):
    out = subprocess.run([exe, arg], check=True, capture_output=True, text=True).stdout
    return work_seconds(out), None, None


def probe_seconds(out_dir):
    """What the recording says its BPF programs cost (kernel run-time statistics), or None."""
    with open(os.path.join(out_dir, "profile.json")) as f:
        return json.load(f).get("metrics", {}).get("probes.bpf_time")


def run_recorded(exe, freq, tmp, arg=ITERATIONS, probes="cpu"):
    out_dir = os.path.join(tmp, "rec-%d-%s" % (freq, probes.replace(",", "-")))
    start = time.monotonic()
    subprocess.run([BIN, "record", "--quiet", "--probes", probes, "--freq", str(freq), "-o", out_dir,
                    "--", exe, arg], check=True, capture_output=True, text=True)
    total = time.monotonic() - start
    with open(os.path.join(out_dir, "target.stdout")) as f:
        return work_seconds(f.read()), total, probe_seconds(out_dir)


def interleaved(configs, label):
    """Runs the configurations RUNS times each, rotating their order so none
    always runs first, and returns one table row per configuration."""
    results = {name: [] for name, _ in configs}
    totals = {name: [] for name, _ in configs}
    bpf = {name: [] for name, _ in configs}
    configs[0][1]()  # warm the page cache
    for i in range(RUNS):
        k = i % len(configs)
        for name, fn in configs[k:] + configs[:k]:
            work, total, spent = fn()
            results[name].append(work)
            if total is not None:
                totals[name].append(total)
            if spent is not None:
                bpf[name].append(spent)
    base = statistics.median(results[configs[0][0]])
    rows = []
    for name, _ in configs:
        med = statistics.median(results[name])
        tot = "%.3f" % statistics.median(totals[name]) if totals[name] else "-"
        spent = "%.4f" % statistics.median(bpf[name]) if bpf[name] else "-"
        rows.append("| %s | %s | %d | %.4f | %.4f | %+.2f%% | %s | %s |" % (
            label, name, len(results[name]), med, min(results[name]), (med / base - 1) * 100, spent, tot))
    return rows


def leaked_bytes(out_dir):
    with open(os.path.join(out_dir, "profile.json")) as f:
        allocations = json.load(f).get("allocations") or {}
    return sum(group["bytes"] for group in allocations.get("leaks", []))


def run_alloc(exe, tmp, sample):
    """The loop under `flamegate record --probes alloc`: its work time and the leaked bytes found."""
    out_dir = os.path.join(tmp, "alloc-%s" % sample)
    subprocess.run([BIN, "record", "--quiet", "--probes", "alloc", "--alloc-sample", sample, "-o", out_dir,
                    "--", exe, ALLOC_PAIRS, str(LEAKS)], check=True, capture_output=True, text=True)
    with open(os.path.join(out_dir, "target.stdout")) as f:
        return work_seconds(f.read()), leaked_bytes(out_dir)


def run_bpftrace(exe, tmp, libc):
    """The loop alone while bpftrace counts every malloc and free with uprobes (the issue's anchor)."""
    log = os.path.join(tmp, "bpftrace.out")
    script = 'BEGIN { printf("ready\\n"); } uprobe:%s:malloc, uprobe:%s:free { @calls = count(); }' % (libc, libc)
    with open(log, "w") as out:
        bpftrace = subprocess.Popen(["bpftrace", "-B", "line", "-e", script], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "ready" not in open(log).read():
            if time.monotonic() > deadline or bpftrace.poll() is not None:
                raise RuntimeError("bpftrace did not start: %s" % open(log).read())
            time.sleep(0.05)
        work = run_alone(exe, ALLOC_PAIRS)[0]
    finally:
        bpftrace.send_signal(signal.SIGINT)
        bpftrace.wait()
    return work, None


def system_libc():
    with open("/proc/self/maps") as f:
        for line in f:
            if line.rstrip().endswith("/libc.so.6"):
                return line.split()[-1]
    raise RuntimeError("no libc.so.6 in /proc/self/maps")


def foreign_uprobes():
    """Processes holding uprobes right now (another recording or bpftrace on libc makes every
    malloc of the machine trap, the loop alone included)."""
    try:
        out = subprocess.run(["bpftool", "perf", "show"], capture_output=True, text=True).stdout
    except OSError:
        return set()
    return {line.split()[1] for line in out.splitlines() if "uprobe" in line and line.startswith("pid ")}


def alloc_rows(tmp):
    """Issue #5: 1M malloc/free pairs alone, traced exactly, sampled, and under bpftrace, interleaved."""
    busy = foreign_uprobes()
    if busy:
        print("warning: processes %s hold uprobes: the alloc rows are not reliable" % ", ".join(sorted(busy)),
              file=sys.stderr)
    exe = build_target(tmp, "Tests/Fixtures/malloc_loop.c")
    configs = [("alone", lambda: (run_alone(exe, ALLOC_PAIRS)[0], None)),
               ("alloc exact (uprobes on libc)", lambda: run_alloc(exe, tmp, "1")),
               ("alloc sampled (every %s)" % ALLOC_SAMPLE, lambda: run_alloc(exe, tmp, ALLOC_SAMPLE))]
    if shutil.which("bpftrace"):
        libc = system_libc()
        configs.append(("bpftrace counting malloc+free", lambda: run_bpftrace(exe, tmp, libc)))
    work = {name: [] for name, _ in configs}
    found = {name: [] for name, _ in configs}
    for i in range(ALLOC_RUNS):
        k = i % len(configs)
        for name, fn in configs[k:] + configs[:k]:
            seconds, leaked = fn()
            work[name].append(seconds)
            if leaked is not None:
                found[name].append(leaked)
    base = statistics.median(work["alone"])
    rows = ["", "## alloc probe: %s malloc/free pairs (`Tests/Fixtures/malloc_loop.c`)" % ALLOC_PAIRS, "",
            "Work time of the loop measured inside the target, median of %d interleaved runs; then the target "
            "leaks %d buffers of 1 MiB, which each recording must find." % (ALLOC_RUNS, LEAKS), "",
            "| configuration | median work s | × alone | leaks found |", "|---|---|---|---|"]
    for name, _ in configs:
        med = statistics.median(work[name])
        leaks = "-" if not found[name] else "%s of %d MiB" % (
            "/".join(sorted({"%.0f" % (b / 2**20) for b in found[name]})), LEAKS)
        rows.append("| %s | %.4f | %.1f× | %s |" % (name, med, med / base, leaks))
    return rows


def timed(argv, cwd=None):
    start = time.monotonic()
    subprocess.run(argv, check=True, capture_output=True, text=True, cwd=cwd)
    return time.monotonic() - start


def scenario_seconds(tmp, repetitions, extra):
    """Wall time of `flamegate baseline update` of a scenario running /bin/true."""
    path = os.path.join(tmp, "true-%d.yaml" % repetitions)
    with open(path, "w") as f:
        f.write("name: fixed-cost\nrun: {command: [/bin/true]}\nrepetitions: %d\nwarmup: 0\n%s" % (repetitions, extra))
    return timed([BIN, "baseline", "update", path, "--baselines", os.path.join(tmp, "fixed-baselines")])


def fixed_cost_rows(tmp):
    """Issue #11: flamegate's own time per repetition, and one run of the reference tools."""
    configs = [("every probe (alloc sampled)", ""),
               ("every probe, alloc exact (uprobes on libc)", "alloc: {sample_every: 1}\n"),
               ("cpu only", "probes: [cpu]\n")]
    rows = ["", "## Fixed cost per repetition: a scenario of `/bin/true`", "",
            "flamegate's own wall time per repetition = (T(2+%d runs) - T(2 runs)) / %d, median of %d interleaved "
            "samples; the references record `/bin/true` once (their whole command)." % (
                FIXED_RUNS, FIXED_RUNS, FIXED_SAMPLES), "",
            "| configuration | per repetition ms | the 2-run scenario s |", "|---|---|---|"]
    per_rep = {name: [] for name, _ in configs}
    single = {name: [] for name, _ in configs}
    for i in range(FIXED_SAMPLES):
        for name, extra in configs[i % len(configs):] + configs[:i % len(configs)]:
            # a scenario has at least 2 repetitions
            one = scenario_seconds(tmp, 2, extra)
            many = scenario_seconds(tmp, 2 + FIXED_RUNS, extra)
            per_rep[name].append((many - one) / FIXED_RUNS)
            single[name].append(one)
    for name, _ in configs:
        rows.append("| flamegate: %s | %.1f | %.3f |" % (name, statistics.median(per_rep[name]) * 1e3,
                                                          statistics.median(single[name])))
    refs = []
    if shutil.which("bpftrace"):
        refs.append(("bpftrace profile:hz:499 of /bin/true",
                     ["bpftrace", "-e", "profile:hz:499 { @[ustack] = count(); }", "-c", "/bin/true"]))
    if shutil.which("perf"):
        refs.append(("perf record -F 499 -g -- /bin/true",
                     ["perf", "record", "--no-buildid", "-q", "-F", "499", "-g", "-o", os.path.join(tmp, "perf.data"),
                      "--", "/bin/true"]))
    for name, argv in refs:
        try:
            seconds = statistics.median([timed(argv) for _ in range(FIXED_SAMPLES)])
            rows.append("| %s | %.1f (one command) | - |" % (name, seconds * 1e3))
        except subprocess.CalledProcessError as error:
            rows.append("| %s | failed: exit %d | - |" % (name, error.returncode))
    return rows


PY_SCRIPT = """
import time
def leaf(n):
    s = 0
    for i in range(n):
        s += i * i %% 7
    return s
def down(k, n):
    return leaf(n) if k == 0 else down(k - 1, n)
def middle(n):
    return sum(down(%d, n) for _ in range(3))
start = time.perf_counter()
for _ in range(%d):
    middle(40000)
    [str(i) for i in range(20000)]
print("work_seconds %%.6f" %% (time.perf_counter() - start))
"""


# Python calls between the loop and the leaf: each sample walks ~PY_DEPTH + 4 Python frames
PY_DEPTH = int(os.environ.get("BENCH_PY_DEPTH", "30"))


def pyenv_python():
    root = "/root/.pyenv/versions"
    versions = sorted(v for v in (os.listdir(root) if os.path.isdir(root) else []) if v.startswith("3.12"))
    path = versions and os.path.join(root, versions[-1], "bin", "python3.12")
    return path if path and os.access(path, os.X_OK) else None


def rooted_share(folded):
    """Share of samples whose user stack reaches _start (folded: comm;root;...;leaf count)."""
    total = rooted = 0
    with open(folded) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            frames = stack.split(";")
            total += int(count)
            if len(frames) > 1 and frames[1] == "_start":
                rooted += int(count)
    return rooted / total if total else 0.0, total


def python_share(folded):
    """Share of samples holding the script's leaf Python function."""
    total = named = 0
    with open(folded) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            total += int(count)
            if any(frame.startswith("leaf (loop.py:") for frame in stack.split(";")):
                named += int(count)
    return named / total if total else 0.0


def python_rows(tmp):
    """The in-kernel unwinder on an interpreter built without frame pointers
    (pyenv's CPython 3.12, code in libpython): flamegate with unwind tables,
    with frame pointers only (FLAMEGATE_UNWIND_TABLES=0), and perf's DWARF
    unwinding of copied stacks, each at 499 Hz, interleaved."""
    python = pyenv_python()
    if not python:
        return [], ["", "Unwinding rows skipped: no pyenv CPython 3.12 under /root/.pyenv/versions."]
    script = os.path.join(tmp, "loop.py")
    with open(script, "w") as f:
        f.write(PY_SCRIPT % (PY_DEPTH, int(os.environ.get("BENCH_PY_ROUNDS", "60"))))
    quality = {}

    def recorded(label, env):
        out_dir = os.path.join(tmp, "py-" + label)
        start = time.monotonic()
        subprocess.run([BIN, "record", "--quiet", "--probes", "cpu", "--freq", "499", "-o", out_dir, "--", python,
                        script], check=True, capture_output=True, text=True, env=dict(os.environ, **env))
        total = time.monotonic() - start
        with open(os.path.join(out_dir, "target.stdout")) as f:
            work = work_seconds(f.read())
        share, samples = rooted_share(os.path.join(out_dir, "cpu.folded"))
        spent = probe_seconds(out_dir)
        quality.setdefault(label, []).append((share, samples, spent, python_share(os.path.join(out_dir, "cpu.folded"))))
        return work, total, spent

    def perf_dwarf():
        data = os.path.join(tmp, "perf.data")
        start = time.monotonic()
        out = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "499", "--call-graph", "dwarf",
                              "-o", data, "--", python, script], check=True, capture_output=True, text=True).stdout
        total = time.monotonic() - start
        quality.setdefault("perf", []).append((None, None, os.path.getsize(data), None))
        return work_seconds(out), total, None

    configs = [("alone", lambda: run_alone(python, script)),
               ("record, unwind tables", lambda: recorded("tables", {})),
               ("record, no Python frames", lambda: recorded("nopy", {"FLAMEGATE_PYTHON_FRAMES": "0"})),
               ("record, frame pointers only", lambda: recorded("fp", {"FLAMEGATE_UNWIND_TABLES": "0"}))]
    if shutil.which("perf"):
        configs.append(("perf record --call-graph dwarf", perf_dwarf))
    rows = interleaved(configs, "CPython 3.12 (no frame pointers), 499 Hz")
    notes = ["", "Unwinding quality and cost on the CPython rows (medians; the script: a CPU loop of "
             "%s rounds, %d Python calls deep; \"unwind tables\" walks the Python frames too, \"no Python "
             "frames\" is FLAMEGATE_PYTHON_FRAMES=0):" % (os.environ.get("BENCH_PY_ROUNDS", "60"), PY_DEPTH), ""]
    for label, name in [("tables", "unwind tables"), ("nopy", "no Python frames"), ("fp", "frame pointers only")]:
        shares = [q[0] for q in quality.get(label, [])]
        per = [q[2] / q[1] * 1e6 for q in quality.get(label, []) if q[2] and q[1]]
        named = [q[3] for q in quality.get(label, [])]
        notes.append("- %s: %.1f%% of samples reach `_start`, %.1f%% name the Python function `leaf`; BPF time per "
                     "sample %.1f µs" % (name, statistics.median(shares) * 100 if shares else 0,
                                         statistics.median(named) * 100 if named else 0,
                                         statistics.median(per) if per else 0))
    if quality.get("perf"):
        size = statistics.median(q[2] for q in quality["perf"])
        notes.append("- perf --call-graph dwarf (8 KiB of stack copied per sample, unwound after the run): "
                     "perf.data %.1f MiB" % (size / 2**20))
    return rows, notes


def main():
    if os.geteuid() != 0:
        sys.exit("make bench needs root (it loads BPF programs)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="flamegate-bench-") as tmp:
        exe = build_target(tmp)
        only_unwind = os.environ.get("BENCH_ONLY") == "unwind"
        rows += [] if only_unwind else interleaved([("alone", lambda: run_alone(exe)),
                             ("record --freq 99", lambda: run_recorded(exe, 99, tmp)),
                             ("record --freq 999", lambda: run_recorded(exe, 999, tmp))], "CPU-bound")
        pong = build_target(tmp, "Tests/Fixtures/pingpong.c")
        rounds = os.environ.get("BENCH_PINGPONG_ROUNDS", "200000")
        rows += [] if only_unwind else interleaved([("alone", lambda: run_alone(pong, rounds)),
                             ("record offcpu,sched,io", lambda: run_recorded(pong, 99, tmp, rounds,
                                                                             "offcpu,sched,io"))],
                            "pipe ping-pong")
        python, unwind = python_rows(tmp)
        rows += python
        alloc = [] if only_unwind else alloc_rows(tmp)
        fixed = [] if only_unwind else fixed_cost_rows(tmp)
    sym = subprocess.run([BIN, "bench-symbolize", "--frames", "100000"], check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()
    lines = ["# flamegate benchmarks", "",
             "Work time measured inside the target; median of %d interleaved runs per configuration. Overhead = "
             "median / median(alone) - 1. `flamegate wall` is the whole `flamegate record` command (BPF load, "
             "run, symbolization). `BPF s` is the CPU time the recording reports its own BPF programs spent (kernel "
             "run-time statistics, all CPUs; `probes.bpf_time`): the part of the overhead the probes account for. "
             "CPU-bound: `scenarios/targets/fixedwork.c` (%s iterations). Pipe ping-pong: "
             "`Tests/Fixtures/pingpong.c`, two processes bouncing a byte (a context switch per message)." % (
                 RUNS, ITERATIONS), "",
             "| workload | configuration | runs | median work s | min work s | overhead | BPF s | flamegate wall s |",
             "|---|---|---|---|---|---|---|---|"] + rows + ["", "Symbolization (`flamegate bench-symbolize`, %s):" %
                                                    os.path.relpath(BIN, ROOT), ""] + ["- " + s for s in sym] + unwind + alloc + fixed
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
