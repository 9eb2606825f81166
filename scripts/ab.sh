#!/usr/bin/env bash
# ab.sh compares two gazette binaries on one synthetic corpus: it builds
# scale/N with each in turn, RUNS times, alternating, each into an empty
# folder on tmpfs (no ext4 inode effects, see docs/scale.md), and prints
# wall, user and system seconds, peak RSS (KiB) and the phases of -v.
#
#   scripts/ab.sh RUNS N OLD-BINARY NEW-BINARY [OUT-ROOT]
#
# Build the binaries with go build -o (outside /tmp if it is noexec), and
# the corpus with scripts/bench.sh or cmd/gazette-corpus. OUT-ROOT defaults
# to /dev/shm/gazette-ab and is removed before each build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 4 || ! $1 =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: scripts/ab.sh RUNS N OLD-BINARY NEW-BINARY [OUT-ROOT]" >&2
	exit 2
fi
runs=$1 n=$2 a=$3 b=$4 root=${5:-/dev/shm/gazette-ab}
config=${SCALE_DIR:-scale}/$n/config.toml
[[ -f $config ]] || { echo "ab: no corpus at $config" >&2; exit 1; }
tf=$(mktemp) log=$(mktemp)
trap 'rm -f "$tf" "$log"' EXIT
for _ in $(seq "$runs"); do
	for bin in "$a" "$b"; do
		rm -rf "$root" "$(dirname "$config")/.gazette-cache"
		mkdir -p "$root"
		sync
		/usr/bin/time -f "%e %U %S %M" -o "$tf" "$bin" build -v -config "$config" -o "$root/out" >"$log" 2>&1 ||
			{ cat "$log" >&2; exit 1; }
		echo "$(basename "$bin") $(cat "$tf") | $(grep 'time by phase' "$log" | sed 's/.*phase: //')"
	done
done
rm -rf "$root"
