#!/usr/bin/env python3
"""An independent Python port of flamegate's seeded bootstrap, behind the
expected values of Tests/AnalysisTests/BootstrapTests.swift, LogLogFitTests.swift
and (through cmp.py) ScalarComparisonTests.swift. Run the one-liners quoted
beside each expectation from this directory (needs numpy).

It reimplements SplitMix64, xoshiro256**, Lemire's bounded draw and the
resampling orders documented on Bootstrap.shiftInterval and LogLogFit.fit,
independently of the Swift code, and takes NumPy's median, polyfit and
percentiles; matching it checks the Swift statistics end to end, not just
their determinism."""
import numpy as np
M=(1<<64)-1
def sm(x):
    x=(x+0x9E3779B97F4A7C15)&M; z=x
    z=((z^(z>>30))*0xBF58476D1CE4E5B9)&M
    z=((z^(z>>27))*0x94D049BB133111EB)&M
    return x, z^(z>>31)
def rotl(x,k): return ((x<<k)|(x>>(64-k)))&M
class G:
    def __init__(s,seed):
        st=[];x=seed
        for _ in range(4):
            x,v=sm(x); st.append(v)
        s.s=st
    def next(s):
        s0,s1,s2,s3=s.s
        r=(rotl((s1*5)&M,7)*9)&M
        t=(s1<<17)&M
        s2^=s0; s3^=s1; s1^=s2; s0^=s3; s2^=t; s3=rotl(s3,45)
        s.s=[s0,s1,s2,s3]; return r
    def idx(s,n):
        m=s.next()*n; lo=m&M
        if lo<n:
            th=((1<<64)-n)%n
            while lo<th:
                m=s.next()*n; lo=m&M
        return m>>64
def hl_ci(b,c,B=2000,conf=0.95,seed=0x5EED):
    g=G(seed); reps=[]
    for _ in range(B):
        bb=[b[g.idx(len(b))] for _ in b]; cc=[c[g.idx(len(c))] for _ in c]
        reps.append(np.median(np.subtract.outer(np.array(cc),np.array(bb))))
    t=(1-conf)/2
    return np.percentile(reps,100*t), np.percentile(reps,100*(1-t))
def loglog_ci(s,c,B=2000,conf=0.95,seed=0x5EED):
    x=np.log(s); y=np.log(c); g=G(seed); reps=[]
    while len(reps)<B:
        ix=[g.idx(len(x)) for _ in x]
        if len(set(x[ix]))<2: continue
        reps.append(np.polyfit(x[ix],y[ix],1)[0])
    t=(1-conf)/2
    return np.percentile(reps,100*t), np.percentile(reps,100*(1-t))
