#!/usr/bin/env python3
"""How trustworthy the gate is on this machine (`make accuracy`).

A temporary git repository holds scenarios/slowdown.yaml's target and a
scenario gating at 1% (wall_time, cpu_time), with commits that add 1, 2, 3 and
5% of work to hot_function (80% of the CPU). Each trial is one
`flamegate run --base <commit>`: the base and the change built in their own
trees and measured pair by pair, interleaved, with the sequential plan
(10 pairs, up to MAX_PAIRS, default 80).

A/A: the unchanged commit against itself, AA_RUNS times: counts of each
outcome (goal: 0 REGRESSED). Sensitivity: each slowdown commit against the
base, TRIALS times: how often the scenario fails naming hot_function.
STORED=1 adds the old way beside it: a stored baseline recorded once, then
runs minutes later compared with it (unpaired). Writes .output/accuracy.md.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("FLAMEGATE", os.path.join(ROOT, ".build/debug/flamegate"))
AA_RUNS = int(os.environ.get("AA_RUNS", "50"))
TRIALS = int(os.environ.get("SWEEP_TRIALS", "10"))
SLOWDOWNS = [float(x) for x in os.environ.get("SWEEP", "1,2,3,5").split(",")]
MAX_PAIRS = int(os.environ.get("MAX_PAIRS", "80"))
STORED = os.environ.get("STORED", "0") == "1"
OUT = os.path.join(ROOT, ".output", "accuracy.md")

SCENARIO = """name: slowdown
description: hot_function keeps its cost (gated at 1%%)
build: mkdir -p build && cc -O2 -g -fno-omit-frame-pointer -o build/slowdown targets/slowdown.c
run:
  command: [build/slowdown, --work, "30"]
  timeout: 30s
repetitions: 10
max_repetitions: %d
warmup: 1
probes: [cpu]
cpu: {frequency: 1999}
thresholds:
  wall_time: 1%%
  cpu_time: 1%%
  function_share: 2pp
"""


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, "-c", "user.name=accuracy", "-c", "user.email=a@b"] + list(args),
                          check=True, capture_output=True, text=True).stdout.strip()


def make_repository(tmp):
    """The base commit, then one commit per slowdown (each from the base)."""
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, "scenarios", "targets"))
    shutil.copy(os.path.join(ROOT, "scenarios/targets/slowdown.c"), os.path.join(repo, "scenarios/targets"))
    with open(os.path.join(repo, "scenarios/slowdown.yaml"), "w") as f:
        f.write(SCENARIO % MAX_PAIRS)
    with open(os.path.join(repo, ".gitignore"), "w") as f:
        f.write("build/\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    source = os.path.join(repo, "scenarios/targets/slowdown.c")
    commits = {}
    for pct in SLOWDOWNS:
        git(repo, "checkout", "-q", "--detach", base)
        text = open(source).read()
        edited = text.replace("double slowdown = 0;", "double slowdown = %g;" % pct)
        assert edited != text, "slowdown.c changed: update this script"
        open(source, "w").write(edited)
        git(repo, "commit", "-q", "-am", "hot_function does %g%% more work" % pct)
        commits[pct] = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "--detach", base)
    return repo, base, commits


def judge(path):
    with open(path) as f:
        s = json.load(f)["scenarios"][0]
    wall = next(m for m in s["comparison"]["metrics"] if m["metric"] == "wall_time")
    # named: the functions the failing findings blame; regressed: those whose own share test regressed
    named = sorted({f["function"] for f in s.get("findings", []) if f["severity"] == "error"})
    regressed = [f["name"] for f in s["comparison"]["functions"] if f["verdict"] == "regressed"]
    base = s.get("base") or {}
    return {"outcome": s["outcome"], "wall": wall["verdict"], "ratio": wall.get("comparison", {}).get("ratio"),
            "named": named, "regressed": regressed, "pairs": base.get("pairs"), "sensitivity": s.get("sensitivity") or {}}


def paired(repo, tmp, change, base, label):
    git(repo, "checkout", "-q", "--detach", change)
    out = os.path.join(tmp, label + ".json")
    subprocess.run([BIN, "run", os.path.join(repo, "scenarios/slowdown.yaml"), "--base", base,
                    "--baselines", os.path.join(tmp, "none"), "--json", out, "--no-color"],
                   capture_output=True, text=True)
    return judge(out)


def stored(repo, tmp, change, baselines, label):
    git(repo, "checkout", "-q", "--detach", change)
    out = os.path.join(tmp, label + ".json")
    subprocess.run([BIN, "run", os.path.join(repo, "scenarios/slowdown.yaml"), "--baselines", baselines,
                    "--json", out, "--no-color"], capture_output=True, text=True)
    return judge(out)


def describe(r):
    return "%s (wall %s ×%.4f, %s pairs, noise ±%.2f%%) named %s, regressed %s" % (
        r["outcome"], r["wall"], r["ratio"] or 0, r["pairs"], 100 * r["sensitivity"].get("halfWidth", 0), r["named"],
        r["regressed"])


def section(title, aa, sweep):
    lines = ["## " + title, ""]
    if aa:
        outcomes = Counter(r["outcome"] for r in aa)
        ratios = [r["ratio"] for r in aa if r["ratio"]]
        pairs = sorted(r["pairs"] or 0 for r in aa)
        noise = sorted(r["sensitivity"].get("halfWidth", 0) for r in aa)
        lines += ["A/A: %d runs of the unchanged commit." % len(aa), "", "| outcome | count |", "|---|---|"]
        lines += ["| %s | %d |" % (k, v) for k, v in sorted(outcomes.items())]
        lines += ["", "wall ratio range %.4f–%.4f; runs blaming a function: %d; pairs per run: median %s, max %s; "
                  "wall noise (95%% CI half-width) median ±%.2f%%" % (
                      min(ratios), max(ratios), sum(1 for r in aa if r["named"] or r["regressed"]), pairs[len(pairs) // 2], pairs[-1],
                      100 * noise[len(noise) // 2]), ""]
    lines += ["| extra work in hot_function | scenario REGRESSED, a finding naming hot_function "
              "| hot_function's own share test REGRESSED | wall_time REGRESSED | median wall ratio | median pairs |",
              "|---|---|---|---|---|---|"]
    for pct, rs in sweep.items():
        if not rs:
            continue
        caught = sum(1 for r in rs if r["outcome"] == "REGRESSED" and r["named"] == ["hot_function"])
        wall = sum(1 for r in rs if r["wall"] == "regressed")
        own = sum(1 for r in rs if r["regressed"] == ["hot_function"])
        ratios = sorted(r["ratio"] or 0 for r in rs)
        pairs = sorted(r["pairs"] or 0 for r in rs)
        lines.append("| +%g%% | %d/%d | %d/%d | %d/%d | %.4f | %s |" % (pct, caught, len(rs), own, len(rs), wall, len(rs),
                                                               ratios[len(ratios) // 2], pairs[len(pairs) // 2]))
    return lines + [""]


def main():
    if os.geteuid() != 0:
        sys.exit("needs root (it loads BPF programs)")
    started = time.time()
    lines = ["# gate accuracy", "",
             "Scenario: slowdown target (hot_function 80%% of the CPU, about 0.2 s per run), wall_time and cpu_time "
             "gated at 1%%, 10 pairs first, at most %d. Machine: %s, %d CPUs." % (
                 MAX_PAIRS, open("/proc/sys/kernel/osrelease").read().strip(), os.cpu_count()), ""]
    with tempfile.TemporaryDirectory(prefix="flamegate-accuracy-") as tmp:
        repo, base, commits = make_repository(tmp)
        aa = []
        for i in range(AA_RUNS):
            aa.append(paired(repo, tmp, base, base, "aa-%d" % i))
            print("A/A %2d: %s" % (i + 1, describe(aa[-1])), flush=True)
        sweep = {}
        for pct in SLOWDOWNS:
            sweep[pct] = []
            for t in range(TRIALS):
                sweep[pct].append(paired(repo, tmp, commits[pct], base, "s%g-%d" % (pct, t)))
                print("+%g%% trial %d: %s" % (pct, t + 1, describe(sweep[pct][-1])), flush=True)
        lines += section("Interleaved pairs: `flamegate run --base <commit>`", aa, sweep)
        if STORED:
            baselines = os.path.join(tmp, "baselines")
            git(repo, "checkout", "-q", "--detach", base)
            subprocess.run([BIN, "baseline", "update", os.path.join(repo, "scenarios/slowdown.yaml"),
                            "--baselines", baselines, "--repetitions", "20"], check=True, capture_output=True)
            saa = [stored(repo, tmp, base, baselines, "saa-%d" % i) for i in range(max(1, AA_RUNS // 5))]
            for r in saa:
                print("stored A/A: %s" % describe(r), flush=True)
            ssweep = {pct: [stored(repo, tmp, commits[pct], baselines, "ss%g-%d" % (pct, t))
                            for t in range(max(1, TRIALS // 2))] for pct in SLOWDOWNS}
            lines += section("Stored baseline (20 runs, recorded once), 10 runs per check, unpaired", saa, ssweep)
    lines.append("Took %.0f s." % (time.time() - started))
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
