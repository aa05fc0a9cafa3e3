# The two commands of the README. Each installs what is missing, builds, then runs.
.PHONY: run test test-outcomes bench deps

deps:
	@bash Scripts/ensure-deps.sh

## The main job (an embedded default, no flags needed).
run: deps
	swift build -c release --product graft
	.build/release/graft

## The test suite, built optimized: it trains small GANs, which unoptimized generic code makes 10x slower.
## `swift build` then `swift test --skip-build`: the same build flags as `make run` (plain `swift test`
## compiles everything again with testability enabled), so neither rebuilds after the other.
## Serially: Graft's kernels already use every core, and tests running side by side only fight over them.
test: deps
	swift build -c release --build-tests
	swift test -c release --skip-build --no-parallel

## The outcome tests (GAN results over seed sets) again with another CPU's OpenBLAS kernels, e.g.
## `make test-outcomes CORETYPE=Haswell` (CI runs this after `make test`).
CORETYPE ?= Haswell
test-outcomes: deps
	swift build -c release --build-tests
	OPENBLAS_CORETYPE=$(CORETYPE) swift test -c release --skip-build --no-parallel --filter "Outcome|ReproduceSmoke"

## Graft vs PyTorch on this machine (needs torch: pip install -r Scripts/requirements-dev.txt).
bench: deps
	swift build -c release --product graft
	.build/release/graft bench
