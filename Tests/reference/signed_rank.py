#!/usr/bin/env python3
"""Regenerates the expected values of Tests/AnalysisTests/SignedRankTests.swift
with SciPy (scipy.stats.wilcoxon, zero_method='wilcox', correction=False)."""
from scipy.stats import wilcoxon

CASES = {
    "exactTen": ([0.031, -0.012, 0.044, 0.027, 0.008, 0.052, 0.019, -0.004, 0.036, 0.023], "exact"),
    "exactEight": ([0.1 * i - 0.35 for i in range(1, 9)], "exact"),
    "tiesAndZero": ([0.01, 0.01, -0.02, 0.03, 0.05, 0.0, 0.04, 0.02, -0.01, 0.03, 0.06, 0.02], "asymptotic"),
    "sixty": ([(i % 7 - 3) * 0.01 + 0.001 * i for i in range(60)], "asymptotic"),
}

for name, (d, method) in CASES.items():
    r = wilcoxon(d, method=method)
    n = sum(1 for x in d if x != 0)
    # SciPy's statistic is min(W+, W-) over the n non-zero differences
    print(f"{name}: statistic={float(r.statistic)!r} p={float(r.pvalue)!r} n={n}")

# PairedT: the one-sample t-test of per-pair differences
from scipy.stats import ttest_1samp
r = ttest_1samp([0.8, 1.2, -0.3, 0.9, 1.5, 0.4, 1.1, 0.7], 0)
print(f"pairedT: t={float(r.statistic)!r} p={float(r.pvalue)!r}")
