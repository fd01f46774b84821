"""Two versions of a service log, N lines each: a few line shapes repeated,
one line in 97 changed. Diffed with CPython's difflib (the standard library's
code): autojunk on (the default) unless VARIANT=bad.
Usage: compare.py N"""
import difflib
import os
import sys

n = int(sys.argv[1])
old = ["INFO request %d ok" % (i % 50) for i in range(n)]
new = list(old)
for i in range(0, n, 97):
    new[i] = "WARN request %d slow" % (i % 50)
matcher = difflib.SequenceMatcher(None, old, new, autojunk=os.environ.get("VARIANT") != "bad")
print(len(matcher.get_opcodes()), "edits")
