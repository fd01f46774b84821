#!/usr/bin/env python3
"""flamegate benchmarks (`make bench`): the cost of recording, measured.

Rows: a CPU-bound target alone vs under `flamegate record` at 99 Hz and
999 Hz, runs interleaved so drift on a shared machine hits every
configuration alike; the target's own work time (measured inside it) is
compared, so flamegate's start-up and symbolization do not count as overhead
on the target (they are reported in their own column). Plus symbolization
speed. Writes a Markdown table to .output/bench.md and prints it.
"""
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("FLAMEGATE", os.path.join(ROOT, ".build/release/flamegate"))
RUNS = int(os.environ.get("BENCH_RUNS", "11"))
ITERATIONS = os.environ.get("BENCH_ITERATIONS", "1000000000")
OUT = os.path.join(ROOT, ".output", "bench.md")


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
    return work_seconds(out), None


def run_recorded(exe, freq, tmp, arg=ITERATIONS, probes="cpu"):
    out_dir = os.path.join(tmp, "rec-%d-%s" % (freq, probes.replace(",", "-")))
    import time
    start = time.monotonic()
    subprocess.run([BIN, "record", "--quiet", "--probes", probes, "--freq", str(freq), "-o", out_dir,
                    "--", exe, arg], check=True, capture_output=True, text=True)
    total = time.monotonic() - start
    with open(os.path.join(out_dir, "target.stdout")) as f:
        return work_seconds(f.read()), total


def interleaved(configs, label):
    """Runs the configurations RUNS times each, rotating their order so none
    always runs first, and returns one table row per configuration."""
    results = {name: [] for name, _ in configs}
    totals = {name: [] for name, _ in configs}
    configs[0][1]()  # warm the page cache
    for i in range(RUNS):
        k = i % len(configs)
        for name, fn in configs[k:] + configs[:k]:
            work, total = fn()
            results[name].append(work)
            if total is not None:
                totals[name].append(total)
    base = statistics.median(results[configs[0][0]])
    rows = []
    for name, _ in configs:
        med = statistics.median(results[name])
        tot = "%.3f" % statistics.median(totals[name]) if totals[name] else "-"
        rows.append("| %s | %s | %d | %.4f | %.4f | %+.2f%% | %s |" % (
            label, name, len(results[name]), med, min(results[name]), (med / base - 1) * 100, tot))
    return rows


def main():
    if os.geteuid() != 0:
        sys.exit("make bench needs root (it loads BPF programs)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="flamegate-bench-") as tmp:
        exe = build_target(tmp)
        rows += interleaved([("alone", lambda: run_alone(exe)),
                             ("record --freq 99", lambda: run_recorded(exe, 99, tmp)),
                             ("record --freq 999", lambda: run_recorded(exe, 999, tmp))], "CPU-bound")
        pong = build_target(tmp, "Tests/Fixtures/pingpong.c")
        rounds = os.environ.get("BENCH_PINGPONG_ROUNDS", "200000")
        rows += interleaved([("alone", lambda: run_alone(pong, rounds)),
                             ("record offcpu,sched,io", lambda: run_recorded(pong, 99, tmp, rounds,
                                                                             "offcpu,sched,io"))],
                            "pipe ping-pong")
    sym = subprocess.run([BIN, "bench-symbolize", "--frames", "100000"], check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()
    lines = ["# flamegate benchmarks", "",
             "Work time measured inside the target; median of %d interleaved runs per configuration. Overhead = "
             "median / median(alone) - 1. `flamegate wall` is the whole `flamegate record` command (BPF load, "
             "run, symbolization). CPU-bound: `scenarios/targets/fixedwork.c` (%s iterations). Pipe ping-pong: "
             "`Tests/Fixtures/pingpong.c`, two processes bouncing a byte (a context switch per message)." % (
                 RUNS, ITERATIONS), "",
             "| workload | configuration | runs | median work s | min work s | overhead | flamegate wall s |",
             "|---|---|---|---|---|---|---|"] + rows + ["", "Symbolization (`flamegate bench-symbolize`, %s):" %
                                                    os.path.relpath(BIN, ROOT), ""] + ["- " + s for s in sym]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
