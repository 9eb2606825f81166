#!/usr/bin/env bash
# bench.sh times whole builds of synthetic archives: gazette against Hugo
# v0.150.0 on the same Markdown, in the same run. See docs/scale.md.
#
#   scripts/bench.sh [-r RUNS] [-s SEED] [SIZE...]     sizes: 1000 10000 1k 10k 100k
#
# For each size it generates a corpus with cmd/gazette-corpus (cached in
# scale/, regenerated when the generator or its vocabulary changes), builds
# it RUNS times with each tool, each run into a fresh output folder (all
# removed at the end), alternating the order, and prints the median wall
# time, CPU time (user+sys) and peak RSS from /usr/bin/time -v, and the
# ratios ours/Hugo.
#
# Environment: RUNS (default 3), SEED (1), SETTLE (seconds to wait before
# each timed build, after a sync; default 10: see timed), SETTLE_START
# (seconds that must have passed since an earlier run's outputs were
# removed, by this run or at the end of the last one, default 300),
# WARMUP (untimed builds of each tool before a size's timed runs, default 1),
# HUGO (path to a hugo binary;
# default: hugo on PATH or in $(go env GOPATH)/bin, installed if missing),
# VOCAB (text for the generator, default content), SCALE_DIR (default scale).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
runs=${RUNS:-3}
seed=${SEED:-1}
settle=${SETTLE:-10}
warmup=${WARMUP:-1}
vocab=${VOCAB:-content}
scale=${SCALE_DIR:-scale}
hugo_version=0.150.0

usage() {
	echo "usage: scripts/bench.sh [-r RUNS] [-s SEED] [SIZE...]   (sizes like 1000, 10k, 100k; default 1k 10k)" >&2
	exit 2
}
while getopts "r:s:h" opt; do
	case $opt in
	r) runs=$OPTARG ;;
	s) seed=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
sizes=()
for s in "${@:-1k 10k}"; do
	for w in $s; do
		case $w in
		*k) sizes+=($((${w%k} * 1000))) ;;
		*[!0-9]* | "") usage ;;
		*) sizes+=("$w") ;;
		esac
	done
done
[[ $runs =~ ^[1-9][0-9]*$ && $warmup =~ ^[0-9]+$ ]] || usage

log() { echo "bench: $*" >&2; }
die() {
	echo "bench: $*" >&2
	exit 1
}

# GNU time, for peak RSS.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
	log "installing GNU time (Debian package time)"
	sudo=""
	[[ $(id -u) == 0 ]] || sudo=sudo
	$sudo apt-get install -y time >/dev/null || die "cannot install GNU time: apt-get install time"
fi

# Hugo at the pinned version.
hugo_ok() { [[ -x $1 ]] && "$1" version 2>/dev/null | grep -q "v$hugo_version"; }
hugo=${HUGO:-}
if [[ -z $hugo ]]; then
	for h in "$(command -v hugo || true)" "$(go env GOPATH)/bin/hugo"; do
		if [[ -n $h ]] && hugo_ok "$h"; then
			hugo=$h
			break
		fi
	done
fi
if [[ -z $hugo ]]; then
	log "installing Hugo v$hugo_version with go install (a few minutes)"
	go install "github.com/gohugoio/hugo@v$hugo_version"
	hugo=$(go env GOPATH)/bin/hugo
fi
hugo_ok "$hugo" || die "$hugo is not Hugo v$hugo_version: set HUGO to one that is"

# Our binaries, built once; the timed runs use the binary, not go run.
mkdir -p "$scale/bin" "$scale/out"
go build -o "$scale/bin/gazette" ./cmd/gazette
# without the commit stamped in, its hash (the corpus stamp) changes only
# when its code does, and the corpora are not made again after every commit
go build -buildvcs=false -o "$scale/bin/gazette-corpus" ./cmd/gazette-corpus
gazette=$root/$scale/bin/gazette
ours=yes
force=()
if ! "$gazette" build -h >/dev/null 2>&1; then
	log "gazette has no build command yet: timing Hugo alone"
	ours=""
elif "$gazette" build -h 2>&1 | grep -q -- -force; then
	force=(-force) # a full build: no build cache, no unchanged files
fi

# corpus SIZE makes $scale/SIZE (config.toml, content/) and $scale/SIZE-hugo
# (the same files with front-matter key kind renamed doc_kind, because Hugo
# reserves kind for its page kinds) unless the stamp says they are current.
corpus() {
	local n=$1 dir=$scale/$1
	local stamp
	stamp="n=$n seed=$seed generator=$(sha256sum <"$scale/bin/gazette-corpus" | cut -c1-16) vocab=$(vocab_hash)"
	if [[ -f $dir.stamp && $(cat "$dir.stamp") == "$stamp" && -d $dir-hugo ]]; then
		return
	fi
	log "generating $n documents in $dir"
	rm -rf "$dir" "$dir-hugo" "$dir.stamp"
	"$scale/bin/gazette-corpus" -n "$n" -seed "$seed" -vocab "$vocab" -o "$dir" >&2
	cp -r "$dir/content" "$dir-hugo"
	find "$dir-hugo" -name '*.md' -print0 | xargs -0 -r -P2 -n 2000 sed -i '1,/^+++$/s/^kind = /doc_kind = /'
	echo "$stamp" >"$dir.stamp"
}

vocab_hash() {
	if [[ -e $vocab ]]; then
		find "$vocab" -type f \( -name '*.md' -o -name '*.txt' \) -print0 | sort -z | xargs -0 -r cat | sha256sum | cut -c1-16
	else
		echo none
	fi
}

# timed TOOL N OUT CMD... runs CMD under /usr/bin/time into OUT, a folder
# no earlier run used, and appends "tool n wall cpu rss_kb" to $raw.
#
# No output is deleted while runs are timed: on ext4, creating files soon
# after tens of thousands were deleted costs system time that grows with
# the inodes recently freed (fs/ext4/ialloc.c, recently_deleted). Deleting
# each run's output before the next, even with a sync and 65 s of waiting,
# made each run of the same binary slower than the last (2026-12-05: 10k
# builds with 3.2, 4.8 and 7.7 s of system time, user time unchanged), so
# the runs timed later, ours more than Hugo's, were penalised. Each run
# writes a fresh folder instead; all are removed at the end. The sync and
# the $settle seconds let the previous run's writes reach the disk first.
timed() {
	local tool=$1 n=$2 out=$3
	shift 3
	[[ ! -e $out ]] || die "$out exists: timed runs need a fresh output folder"
	sync
	sleep "$settle"
	local tf=$scale/out/time.txt
	if ! /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$scale/out/$tool.log" 2>&1; then
		cat "$scale/out/$tool.log" >&2
		die "$tool failed on $n documents (log above)"
	fi
	read -r wall user sys rss <"$tf"
	awk -v t="$tool" -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {print t, n, w, u + s, r}' >>"$raw"
}

# untimed TOOL N OUT CMD... runs CMD into OUT like timed, untimed: a
# warm-up, so that the first timed run of each tool does not pay for
# reading the corpus and the binary into the page cache alone.
untimed() {
	local tool=$1 n=$2 out=$3
	shift 3
	[[ ! -e $out ]] || die "$out exists: builds need a fresh output folder"
	if ! "$@" >"$scale/out/$tool.log" 2>&1; then
		cat "$scale/out/$tool.log" >&2
		die "$tool failed on $n documents (log above)"
	fi
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# med TOOL N COL prints the median of column COL (3 wall, 4 cpu, 5 rss).
med() { awk -v t="$1" -v n="$2" -v c="$3" '$1==t && $2==n {print $c}' "$raw" | median; }

# outputs OLD-TOO removes the timed runs' output folders (with OLD-TOO, also
# those of the script before 2026-12-05, one per tool and size).
outputs() {
	local d
	for d in "$scale"/out/*; do
		case ${d##*/} in
		*-hugo-[0-9w]* | *-gazette-[0-9w]*) rm -rf "$d" ;; # with gazette's .lock files
		*-hugo | *-gazette | *-gazette.lock) [[ -z ${1:-} ]] || rm -rf "$d" ;;
		esac
	done
}
# $scale/out/removed holds when a run of this script last removed its
# outputs: a run started soon after is disturbed as above, so it waits
# until SETTLE_START seconds have passed since then.
settle_start=${SETTLE_START:-300}
if compgen -G "$scale/out/*-hugo*" >/dev/null || compgen -G "$scale/out/*-gazette*" >/dev/null; then
	log "removing the outputs of an earlier run (see timed)"
	outputs old
	sync
	date +%s >"$scale/out/removed"
fi
if [[ -f $scale/out/removed ]]; then
	wait_s=$(($(cat "$scale/out/removed") + settle_start - $(date +%s)))
	if ((wait_s > 0)); then
		log "waiting $wait_s s: outputs were removed less than $settle_start s ago (see timed)"
		sleep "$wait_s"
	fi
fi

# run_hugo RUN and run_ours RUN build the corpus of $n documents into a
# folder of their own, timed unless RUN starts with w (a warm-up).
how() { if [[ $1 == w* ]]; then echo untimed; else echo timed; fi; }
run_hugo() {
	local out=$root/$scale/out/$n-hugo-$1
	"$(how "$1")" hugo "$n" "$out" "$hugo" --quiet --noBuildLock \
		--source "$root/scripts/hugo" --contentDir "$root/$scale/$n-hugo" \
		--destination "$out" --cacheDir "$root/$scale/out/hugo-cache"
}
run_ours() {
	rm -rf "$scale/$n/.gazette-cache"
	"$(how "$1")" gazette "$n" "$root/$scale/out/$n-gazette-$1" "$gazette" build "${force[@]}" \
		-config "$root/$scale/$n/config.toml" -o "$root/$scale/out/$n-gazette-$1"
}

raw=$scale/bench-$(date -u +%Y%m%dT%H%M%SZ).tsv
: >"$raw"
loadavg() { cut -d' ' -f1 /proc/loadavg; }
load_start=$(loadavg)
for n in "${sizes[@]}"; do
	corpus "$n"
	for ((i = 1; i <= warmup; i++)); do
		log "$n documents, warm-up build $i of $warmup (not timed)"
		[[ -z $ours ]] || run_ours "w$i"
		run_hugo "w$i"
	done
	for ((i = 1; i <= runs; i++)); do
		log "$n documents, run $i of $runs"
		if ((i % 2)); then
			[[ -z $ours ]] || run_ours "$i"
			run_hugo "$i"
		else
			run_hugo "$i"
			[[ -z $ours ]] || run_ours "$i"
		fi
	done
	files_h=$(find "$scale/out/$n-hugo-$runs" -type f | wc -l)
	files_g=$([[ -z $ours ]] || find "$scale/out/$n-gazette-$runs" -type f | wc -l)
	log "$n documents: Hugo wrote ${files_h} files${ours:+, gazette ${files_g}}"
done

load_end=$(loadavg)
outputs # the runs are timed: free the disk
sync
date +%s >"$scale/out/removed"
echo
echo "medians of $runs runs; CPU = user+sys; RSS = peak resident set; ratio = gazette/Hugo"
echo "Hugo: $("$hugo" version | cut -d' ' -f1-2); machine: $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB; load average $load_start at start, $load_end at end"
if awk -v a="$load_start" -v b="$load_end" -v n="$(nproc)" 'BEGIN {exit !(a > n || b > n)}'; then
	echo "warning: the machine was busy (load above $(nproc)): wall times are inflated; CPU times and ratios hold up better"
fi
echo
printf '%8s | %8s %8s %8s | %8s %8s %8s | %6s %6s %6s\n' docs "ours s" "CPU s" "RSS MB" "Hugo s" "CPU s" "RSS MB" wall CPU RSS
printf '%s\n' "---------+----------------------------+----------------------------+---------------------"
for n in "${sizes[@]}"; do
	hw=$(med hugo "$n" 3)
	hc=$(med hugo "$n" 4)
	hr=$(med hugo "$n" 5)
	if [[ -n $ours ]]; then
		gw=$(med gazette "$n" 3)
		gc=$(med gazette "$n" 4)
		gr=$(med gazette "$n" 5)
		awk -v n="$n" -v gw="$gw" -v gc="$gc" -v gr="$gr" -v hw="$hw" -v hc="$hc" -v hr="$hr" 'BEGIN {
			printf "%8d | %8.2f %8.2f %8.0f | %8.2f %8.2f %8.0f | %6.2f %6.2f %6.2f\n",
				n, gw, gc, gr/1024, hw, hc, hr/1024, gw/hw, gc/hc, gr/hr }'
	else
		awk -v n="$n" -v hw="$hw" -v hc="$hc" -v hr="$hr" 'BEGIN {
			printf "%8d | %8s %8s %8s | %8.2f %8.2f %8.0f | %6s %6s %6s\n", n, "-", "-", "-", hw, hc, hr/1024, "-", "-", "-" }'
	fi
done
# How the time grows from one size to the next (issue 8 asks 100k to take
# at most 11 × the 10k time): the ratio of the medians.
prev=""
for n in $(printf '%s\n' "${sizes[@]}" | sort -n -u); do
	if [[ -n $prev ]]; then
		if [[ -n $ours ]]; then
			awk -v a="$prev" -v b="$n" -v gw0="$(med gazette "$prev" 3)" -v gw1="$(med gazette "$n" 3)" \
				-v gc0="$(med gazette "$prev" 4)" -v gc1="$(med gazette "$n" 4)" \
				-v hw0="$(med hugo "$prev" 3)" -v hw1="$(med hugo "$n" 3)" 'BEGIN {
				printf "%d -> %d documents (%.0f x): gazette %.2f x wall, %.2f x CPU; Hugo %.2f x wall\n",
					a, b, b/a, gw1/gw0, gc1/gc0, hw1/hw0 }'
		else
			awk -v a="$prev" -v b="$n" -v hw0="$(med hugo "$prev" 3)" -v hw1="$(med hugo "$n" 3)" 'BEGIN {
				printf "%d -> %d documents (%.0f x): Hugo %.2f x wall\n", a, b, b/a, hw1/hw0 }'
		fi
	fi
	prev=$n
done
echo
echo "raw runs: $raw"
