#!/usr/bin/env python3
"""The reference for Tests/AnalysisTests/ScalarComparisonTests.swift: the ratio
of medians (Hodges-Lehmann on logs), its bootstrap interval (ref.py) and the
Mann-Whitney p-value (SciPy), for a baseline b and a current sample c.
From this directory: python3 -c "from cmp import cmp; print(cmp(B, C))"."""
import numpy as np
from scipy.stats import mannwhitneyu as m
from ref import hl_ci


def cmp(b, c, **kw):
    lb, lc = np.log(b), np.log(c)
    r = np.exp(np.median(np.subtract.outer(lc, lb)))
    lo, hi = hl_ci(list(lb), list(lc), **kw)
    ties = len(set(b + c)) < len(b + c)
    p = m(b, c, method='asymptotic' if ties else 'exact').pvalue
    return float(r), float(np.exp(lo)), float(np.exp(hi)), float(p)
