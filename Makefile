# flamegate build: Debian packages -> vmlinux.h -> bpf/*.bpf.c -> .bpf.o -> skeleton
# headers (Sources/CFlamegateBPF/generated, ignored) -> swift build.
SHELL := /bin/bash
.DEFAULT_GOAL := build

SWIFT   ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
CLANG   ?= $(shell command -v clang 2>/dev/null || echo /opt/swift/usr/bin/clang)
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
ARCH    := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

OUT := .output
GEN := Sources/CFlamegateBPF/generated
# every bpf/NAME.bpf.c is a program with its skeleton (the tracker, the probes, the capability checks)
PROBES := $(sort $(patsubst bpf/%.bpf.c,%,$(wildcard bpf/*.bpf.c)))
BPF_OBJS := $(PROBES:%=$(OUT)/%.bpf.o)
SKELETONS := $(PROBES:%=$(GEN)/%.skel.h)
# The alloc probe's sampling shim, preloaded into targets: built as a shared
# library, then embedded in flamegate as a byte array (like the BPF objects in
# the skeletons), so any copy of the binary can write it out and preload it.
PRELOAD_SRC := Sources/CFlamegateBPF/preload/fg_alloc_preload.c
PRELOAD_SO := $(OUT)/libflamegate-alloc.so
PRELOAD_HDR := $(GEN)/alloc_preload.h
BIN := .build/debug/flamegate

# Debian packages: build (libbpf, libelf, libdw, zlib, bpftool), tests (perf,
# bpftrace and valgrind are the independent references tests compare against;
# chromium opens the HTML report; protoc, python3-protobuf and pprof's
# profile.proto read the pprof files back; sqlite3 and python3 are programs of
# the real-world suite, scenarios/real/; gdb reads the CPython layouts from the
# interpreters' debug information, against the table the kernel side uses).
DEB_PACKAGES := libbpf-dev libelf-dev libdw-dev zlib1g-dev bpftool linux-perf bpftrace \
	valgrind libjson-c-dev gcc make xxd \
	chromium protobuf-compiler python3-protobuf golang-github-google-pprof-dev sqlite3 python3 gdb

.PHONY: build deps bpf tracefs demo demo-good test bench accuracy clean
.SECONDARY: $(BPF_OBJS)

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "error: missing Debian packages: $$missing (run 'make deps' as root)" >&2; exit 2; fi; \
		echo "installing: $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q && apt-get install -y -q --no-install-recommends $$missing </dev/null; \
	fi

$(OUT)/vmlinux.h: | deps
	@mkdir -p $(OUT)
	@test -r /sys/kernel/btf/vmlinux || { echo "error: /sys/kernel/btf/vmlinux missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF)" >&2; exit 2; }
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(OUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(OUT)/vmlinux.h
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUT) -Ibpf -Wall -c $< -o $@

$(GEN)/%.skel.h: $(OUT)/%.bpf.o
	@mkdir -p $(GEN)
	$(BPFTOOL) gen skeleton $< name fg_$*_bpf > $@.tmp && mv $@.tmp $@

$(PRELOAD_SO): $(PRELOAD_SRC) bpf/alloc.h bpf/tracker.h | deps
	@mkdir -p $(OUT)
	gcc -O2 -fPIC -shared -fno-omit-frame-pointer -fvisibility=hidden -Wall -o $@ $< -ldl -lm

$(PRELOAD_HDR): $(PRELOAD_SO)
	@mkdir -p $(GEN)
	xxd -i -n fg_alloc_preload_so $< > $@.tmp && mv $@.tmp $@

bpf: $(SKELETONS) $(PRELOAD_HDR)

build: deps bpf
	$(SWIFT) build

# Main job: the bundled suite of the reference article's five regressions,
# the bad variants (VARIANT=bad) against the good ones measured in the same
# run, pairs interleaved (--base-env VARIANT=good: no baseline recorded on
# another machine is needed): every scenario fails with a finding naming the
# culprit. Exit status 1 (regressions found) is the expected result; 2 is an error.
demo: build
	@VARIANT=bad $(BIN) run scenarios/ --base-env VARIANT=good --output flamegate-out/demo \
		--json flamegate-out/demo/results.json \
		--markdown flamegate-out/demo/summary.md; status=$$?; \
	echo; echo "demo: exit status $$status (1 = the bad variants were caught; reports in flamegate-out/demo)"; \
	test $$status -eq 1

# The same suite with the good variants against themselves: passes.
demo-good: build
	VARIANT=good $(BIN) run scenarios/ --base-env VARIANT=good --output flamegate-out/demo-good

# bpftrace, a reference the probe tests compare against, finds its tracepoints
# through tracefs, which not every machine mounts; flamegate itself does not
# need it (TracefsTests checks that in a mount namespace without it).
tracefs:
	@if ! grep -q '^[^ ]* [^ ]* tracefs ' /proc/mounts; then \
		if [ "$$(id -u)" = 0 ]; then \
			mount -t tracefs nodev /sys/kernel/tracing && echo "mounted tracefs at /sys/kernel/tracing (for bpftrace)"; \
		else echo "note: tracefs is not mounted and we are not root: the bpftrace comparisons will fail" >&2; fi; \
	fi

# py-spy (PyPI), the reference the Python-frame tests compare against, in
# .output so nothing is installed into an interpreter.
PYSPY := $(OUT)/pyspy/bin/py-spy
$(PYSPY):
	python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --target $(OUT)/pyspy py-spy \
		|| python3 -m pip install -q --disable-pip-version-check --break-system-packages --target $(OUT)/pyspy py-spy

test: deps bpf tracefs $(PYSPY)
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

# Overhead and speed, measured with a release build (not part of CI).
bench: deps bpf tracefs
	$(SWIFT) build -c release
	python3 Tests/bench/bench.py

# A/A false positives and the smallest slowdown detected, with --base (about an hour;
# AA_RUNS, SWEEP_TRIALS, SWEEP, MAX_PAIRS and STORED=1 adjust it).
accuracy: build
	python3 Tests/bench/gate_accuracy.py

clean:
	rm -rf $(OUT) $(GEN) .build flamegate-out
