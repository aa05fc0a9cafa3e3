# The two commands of the README. Each installs what is missing, builds, then runs.
.PHONY: run test bench deps

deps:
	@bash Scripts/ensure-deps.sh

## The main job (an embedded default, no flags needed).
run: deps
	swift build -c release --product graft
	.build/release/graft

## The test suite, built optimized: it trains small GANs, which unoptimized generic code makes 10x slower.
test: deps
	swift test -c release

## Graft vs PyTorch on this machine (needs torch: pip install -r Scripts/requirements-dev.txt).
bench: deps
	swift build -c release --product graft
	.build/release/graft bench
