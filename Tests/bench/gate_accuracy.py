#!/usr/bin/env python3
"""How trustworthy the gate is on this machine (`make accuracy`).

A/A: a fresh baseline of scenarios/slowdown.yaml, then N unchanged runs
against it: counts of each outcome (the goal: 0 REGRESSED, at most 2
INCONCLUSIVE in 20). Sensitivity: runs with SLOWDOWN = 2, 3, 5, 7, 10 % of
extra work in hot_function (80% of the CPU), a few trials each: how often the
scenario fails and hot_function is named. Writes .output/accuracy.md.
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("FLAMEGATE", os.path.join(ROOT, ".build/debug/flamegate"))
SCENARIO = os.path.join(ROOT, "scenarios/slowdown.yaml")
AA_RUNS = int(os.environ.get("AA_RUNS", "20"))
TRIALS = int(os.environ.get("SWEEP_TRIALS", "5"))
SLOWDOWNS = [float(x) for x in os.environ.get("SWEEP", "2,3,5,7,10").split(",")]
OUT = os.path.join(ROOT, ".output", "accuracy.md")


def run(baselines, tmp, slowdown, label):
    out = os.path.join(tmp, label + ".json")
    env = dict(os.environ, SLOWDOWN=str(slowdown))
    subprocess.run([BIN, "run", SCENARIO, "--baselines", baselines, "--json", out, "--no-color"],
                   env=env, capture_output=True, text=True)
    with open(out) as f:
        s = json.load(f)["scenarios"][0]
    wall = next(m for m in s["comparison"]["metrics"] if m["metric"] == "wall_time")
    named = [f["name"] for f in s["comparison"]["functions"] if f["verdict"] == "regressed"]
    return s["outcome"], wall["verdict"], wall.get("comparison", {}).get("ratio"), named


def main():
    if os.geteuid() != 0:
        sys.exit("needs root (it loads BPF programs)")
    lines = ["# gate accuracy", ""]
    with tempfile.TemporaryDirectory(prefix="flamegate-accuracy-") as tmp:
        baselines = os.path.join(tmp, "baselines")
        subprocess.run([BIN, "baseline", "update", SCENARIO, "--baselines", baselines], check=True,
                       capture_output=True)
        outcomes, walls, ratios, blamed = Counter(), Counter(), [], 0
        for i in range(AA_RUNS):
            outcome, wall, ratio, named = run(baselines, tmp, 0, "aa-%d" % i)
            outcomes[outcome] += 1
            walls[wall] += 1
            ratios.append(ratio)
            blamed += 1 if named else 0
            print("A/A %2d: %s (wall %s, ratio %.4f) %s" % (i + 1, outcome, wall, ratio, named), flush=True)
        if AA_RUNS:
            lines += ["A/A: %d runs of the unchanged scenario against a fresh baseline (10 repetitions each)." % AA_RUNS,
                      "", "| outcome | count |", "|---|---|"]
            lines += ["| %s | %d |" % (k, v) for k, v in sorted(outcomes.items())]
            lines += ["", "wall_time verdicts: %s; wall ratio range %.4f–%.4f; runs blaming a function: %d" % (
                dict(walls), min(ratios), max(ratios), blamed), ""]
        lines += ["Sensitivity: extra work in hot_function (80%% of CPU), %d trials each." % TRIALS, "",
                  "| slowdown | scenario REGRESSED | wall_time REGRESSED | hot_function named | median wall ratio |",
                  "|---|---|---|---|---|"]
        for pct in SLOWDOWNS:
            reg = wall_reg = named_hot = 0
            rs = []
            for t in range(TRIALS):
                outcome, wall, ratio, named = run(baselines, tmp, pct, "s%g-%d" % (pct, t))
                reg += outcome == "REGRESSED"
                wall_reg += wall == "regressed"
                named_hot += named == ["hot_function"]
                rs.append(ratio)
                print("+%g%% trial %d: %s wall %s %.4f %s" % (pct, t + 1, outcome, wall, ratio, named), flush=True)
            rs.sort()
            lines.append("| +%g%% | %d/%d | %d/%d | %d/%d | %.4f |" % (pct, reg, TRIALS, wall_reg, TRIALS, named_hot,
                                                                  TRIALS, rs[len(rs) // 2]))
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
