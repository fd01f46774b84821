#!/usr/bin/env python3
"""Is running both sides at once ("duet", Bulej et al. ICPE 2020) quieter than
alternating them on this machine? Without flamegate or probes: the slowdown
target, PAIRS pairs each way, wall time from the parent.

- interleaved: A then B (order alternating), each free to use any CPU;
- duet: A pinned to CPU 0 and B to CPU 1 at the same moment (sides swap CPUs
  every pair).

Prints the standard deviation of the per-pair log ratio and the 95% CI
half-width it gives for 10 and 40 pairs (normal approximation)."""
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAIRS = int(os.environ.get("PAIRS", "30"))
WORK = os.environ.get("WORK", "30")


def timed(argv, cpu=None):
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         preexec_fn=(lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None)
    return p, start


def wait(p, start):
    p.wait()
    return time.perf_counter() - start


def main():
    if os.cpu_count() < 2:
        sys.exit("needs 2 CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "slowdown")
        subprocess.run(["cc", "-O2", "-o", binary, os.path.join(ROOT, "scenarios/targets/slowdown.c")], check=True)
        argv = [binary, "--work", WORK]
        inter, duet = [], []
        for i in range(PAIRS):
            a = wait(*timed(argv))
            b = wait(*timed(argv))
            inter.append(math.log(b / a) if i % 2 == 0 else math.log(a / b))
            pa, sa = timed(argv, cpu=i % 2)
            pb, sb = timed(argv, cpu=1 - i % 2)
            ta, tb = wait(pa, sa), wait(pb, sb)
            duet.append(math.log(tb / ta))
        for name, d in (("interleaved", inter), ("duet", duet)):
            sd = statistics.stdev(d)
            print("%-12s pairs %d  mean log ratio %+.4f  sd %.4f  95%% half-width: 10 pairs ±%.2f%%, 40 pairs ±%.2f%%"
                  % (name, len(d), statistics.mean(d), sd, 196 * sd / math.sqrt(10), 196 * sd / math.sqrt(40)))


if __name__ == "__main__":
    main()
