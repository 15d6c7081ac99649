#!/usr/bin/env bash
# bench/startup.sh: how long containerize takes to start, against a Go program that prints
# "hello", in one hyperfine run (-N: no shell; the commands alternate in one session, so
# drift in the machine's speed hits both). Issue 9's goal: `detect --json` on a small sample
# at most 3x the hello-world process's CPU time (user + system) and 20 ms wall on an idle
# machine; `init --yes --dry-run` at most 40 ms.
#
#   bench/startup.sh            # results in bench/results/startup.{md,json} (or $BENCH_OUT)
#
# Needs Go and hyperfine (`apt-get install hyperfine`). Environment: BENCH_RUNS (default 200),
# BENCH_SAMPLE (default library), BENCH_OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install hyperfine" >&2; exit 1; }
OUT=${BENCH_OUT:-bench/results}
RUNS=${BENCH_RUNS:-200}
SAMPLE=testdata/projects/${BENCH_SAMPLE:-library}
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/containerize" ./cmd/containerize
mkdir "$tmp/hello"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >"$tmp/hello/main.go"
printf 'module hello\n\ngo 1.26\n' >"$tmp/hello/go.mod"
(cd "$tmp/hello" && go build -o "$tmp/hello-world" .)
# init --dry-run reads a copy, so nothing is written into the sample.
cp -R "$SAMPLE" "$tmp/app"

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
hyperfine -N --warmup 20 --runs "$RUNS" \
	--export-markdown "$OUT/startup.md" --export-json "$OUT/startup.json" \
	-n hello "$tmp/hello-world" \
	-n version "$tmp/containerize --version" \
	-n "detect --json" "$tmp/containerize detect --json $tmp/app" \
	-n "init --yes --dry-run" "$tmp/containerize init --yes --dry-run $tmp/app"

# CPU time (user + system) of each command as a multiple of hello's, from the same run.
jq -r '.results as $r | ($r[0].user + $r[0].system) as $h |
	$r[] | "\(.command): wall \(.mean * 1000 | . * 100 | round / 100) ms, cpu \((.user + .system) * 1000 | . * 100 | round / 100) ms = \((.user + .system) / $h | . * 100 | round / 100)x hello"' \
	"$OUT/startup.json" | tee "$OUT/startup-summary.txt"
