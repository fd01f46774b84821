"""A dedup that is quadratic when VARIANT=bad (a list searched for every
item) and linear otherwise (a set): the complexity tests' Python target.
Usage: dedupe.py N  (N distinct items, each twice)"""
import os, sys

def dedupe(items):
    if os.environ.get("VARIANT") == "bad":
        out = []
        for x in items:
            if x not in out:
                out.append(x)
        return out
    seen, out = set(), []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out

n = int(sys.argv[1])
print(len(dedupe(list(range(n)) * 2)))
