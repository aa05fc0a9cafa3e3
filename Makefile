# The two commands of the README. Each installs what is missing, builds, then runs.
.PHONY: run test test-outcomes bench deps fuzz sanitize

deps:
	@bash Scripts/ensure-deps.sh

## The build setting (README, "Building"): code for Haswell-class CPUs (AVX2, FMA) on x86-64, and
## cross-module optimization everywhere, so that generic tensor code is specialised across modules.
## Package.swift sets no compiler flags (other packages could not depend on Graft if it did). Every
## command below passes the same flags: changing them recompiles everything.
## `make test SWIFT_FLAGS=` builds without them.
ifeq ($(shell uname -m),x86_64)
SWIFT_FLAGS ?= -Xswiftc -target-cpu -Xswiftc haswell -Xswiftc -cross-module-optimization
else
SWIFT_FLAGS ?= -Xswiftc -cross-module-optimization
endif
BUILD = swift build -c release $(SWIFT_FLAGS)
TEST = swift test -c release $(SWIFT_FLAGS) --skip-build --no-parallel

## The main job (an embedded default, no flags needed): Adam dissected on ring8 (`graft dissect`).
run: deps
	$(BUILD) --product graft
	.build/release/graft dissect

## The test suite, built optimized: it trains small GANs, which unoptimized generic code makes 10x slower.
## `swift build` then `swift test --skip-build`: the same build flags as `make run` (plain `swift test`
## compiles everything again with testability enabled), so neither rebuilds after the other.
## Serially: Graft's kernels already use every core, and tests running side by side only fight over them.
## The tests run the OpenBLAS kernels `graft` itself runs here: on CPUs Debian's OpenBLAS does not recognise
## (it falls back to its generic SSE3 kernels) graft restarts itself with faster ones, which a test bundle
## cannot do, so OPENBLAS_CORETYPE is set from `graft info` (unless given).
BLAS_ENV = $$(c=$${OPENBLAS_CORETYPE:-$$(.build/release/graft info | sed -n 's/.*OpenBLAS \([A-Za-z0-9]*\),.*/\1/p')}; \
	[ -n "$$c" ] && echo OPENBLAS_CORETYPE=$$c)
test: deps
	$(BUILD) --build-tests
	env $(BLAS_ENV) $(TEST)

## The outcome tests (GAN results over seed sets) again with another CPU's OpenBLAS and oneDNN kernels, e.g.
## `make test-outcomes CORETYPE=Haswell` (CI runs this after `make test`).
## oneDNN (the convolutions) is held to the same CPU's instruction set: AVX for Sandybridge, AVX-512 for
## SkylakeX and Cooperlake, AVX2 otherwise (Haswell, Zen).
CORETYPE ?= Haswell
DNNL_ISA ?= $(if $(filter Sandybridge,$(CORETYPE)),AVX,$(if $(filter SkylakeX Cooperlake,$(CORETYPE)),AVX512_CORE,AVX2))
test-outcomes: deps
	$(BUILD) --build-tests
	OPENBLAS_CORETYPE=$(CORETYPE) DNNL_MAX_CPU_ISA=$(DNNL_ISA) $(TEST) --filter "Outcome|ReproduceSmoke"

## The readers of given files (safetensors, npy, npz, .pth, IDX, JSON and YAML configs, metrics) under libFuzzer:
## FUZZ_RUNS coverage-guided inputs per reader, grown from the real files in Tests/Fuzz/Corpus, seeded by
## FUZZ_SEED (Scripts/libfuzz.sh says what fails it and where the input is kept).
FUZZ_RUNS ?= 100000
FUZZ_SEED ?= 1
fuzz: deps
	swift build -c release --sanitize=fuzzer --product graft-libfuzzer --scratch-path .build-fuzzer
	Scripts/libfuzz.sh .build-fuzzer $(FUZZ_RUNS) $(FUZZ_SEED)

## Sanitizers (builds in their own folders, as the sanitizers need everything rebuilt): ThreadSanitizer on the
## engine's parallel kernels (worker pool, Box–Muller, oneDNN's per-thread streams), the run lock and run
## ownership, the local process pool and sweeps; AddressSanitizer with LeakSanitizer on the readers under
## libFuzzer, SANITIZE_RUNS inputs each. A report fails the target.
TSAN_TESTS ?= ParallelKernelTests|BoxMullerKernelTests|ConvKernelTests|RunOwnership|SweepOwnership|LocalProcessPoolTests|RunStartTests
SANITIZE_RUNS ?= 10000
sanitize: deps
	swift build --sanitize=thread --build-tests --scratch-path .build-tsan
	swift test --sanitize=thread --skip-build --scratch-path .build-tsan --no-parallel --filter "$(TSAN_TESTS)"
	swift build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --product graft-libfuzzer \
	  --scratch-path .build-fuzzer-asan
	Scripts/libfuzz.sh .build-fuzzer-asan $(SANITIZE_RUNS) 2

## Graft vs PyTorch on this machine (needs torch: pip install -r Scripts/requirements-dev.txt).
bench: deps
	$(BUILD) --product graft
	.build/release/graft bench
