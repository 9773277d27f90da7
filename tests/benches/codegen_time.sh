#!/usr/bin/env bash
# Whole-process time of `xtask codegen --spec DOCUMENT --out DIR`, as a user runs it: process
# start, loading, lowering, emitting, formatting and writing every file (the runtime crate
# among them). Prints figures; run from anywhere:
#   bash tests/benches/codegen_time.sh [DOCUMENT...]
# By default three documents of ../shared/specs/dev: subscription-lifecycle-v1.json (3
# operations, 4 schemas), commerce-subscriptions-v1.json (3 operations, 45 schemas) and
# media-bridge-2026-03.json (1 MB, 33 operations).
#
# Each document is generated twice per run: into a fresh directory (removed before each run,
# outside the timed part: every file is written) and into the directory as the last run left
# it (nothing changes). RUNS=n runs of each (default 20); the median and the fastest are shown,
# since a shared machine only ever adds time.
#
# XTASK=path times another build of the generator (default: this checkout's release build).
# BASELINE=path times a second generator in turn with the first (A B A B ...) and prints the
# median of the ratios of each pair, which holds when the machine's speed drifts; PEER='cmd'
# does the same for another tool, with {doc} and {out} in the command standing for the
# document and the output directory (say, a progenitor driver: 'driver {doc} {out} name').
# CARGO=1 adds how long `cargo xtask codegen` takes on spec/ as users run it (a debug build
# through cargo, `generated/` up to date), and how much of that is cargo's own;
# BASELINE_CHECKOUT=dir runs the same command in another checkout in turn (say, a
# `git worktree add` of main), whose cargo builds its own generator. With valgrind installed, INSTRUCTIONS=1 also counts the
# instructions of one run of each generator: a figure that does not move with the machine's load.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
runs=${RUNS:-20}
specs_dir="$repo/../shared/specs/dev"
if [ $# -eq 0 ]; then
  set -- "$specs_dir/subscription-lifecycle-v1.json" "$specs_dir/commerce-subscriptions-v1.json" \
    "$specs_dir/media-bridge-2026-03.json"
fi

xtask=${XTASK:-}
if [ -z "$xtask" ]; then
  cargo build --quiet --release -p xtask
  xtask="${CARGO_TARGET_DIR:-$repo/target}/release/xtask"
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The commands to time, each a template with {doc} and {out}.
labels=("generator")
commands=("$xtask codegen --spec {doc} --out {out}")
if [ -n "${BASELINE:-}" ]; then
  labels+=("baseline")
  commands+=("$BASELINE codegen --spec {doc} --out {out}")
fi
if [ -n "${PEER:-}" ]; then
  labels+=("peer")
  commands+=("$PEER")
fi

expand() { # template doc out -> the command
  local command=${1//\{doc\}/$2}
  echo "${command//\{out\}/$3}"
}

# A command that fails would be timed as fast: the script stops instead, naming it.
run_checked() { # command
  if ! $1 >/dev/null 2>"$scratch/stderr"; then
    echo "failed: $1" >&2
    head -5 "$scratch/stderr" >&2
    exit 1
  fi
}

run_once() { # command file -> appends the microseconds of wall time to the file
  local start end
  start=$EPOCHREALTIME
  run_checked "$1"
  end=$EPOCHREALTIME
  echo $((${end//[.,]/} - ${start//[.,]/})) >>"$2"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
fastest() { sort -n | head -1; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1000 }'; }

# Times every command on one document, interleaved run by run; fresh=1 removes the output first.
measure() { # document mode-label fresh
  local document=$1 label=$2 fresh=$3 n=${#commands[@]} i run
  local -a times
  for ((i = 0; i < n; i++)); do
    # One untimed run each: the output directory exists for the up-to-date runs, files are cached.
    run_checked "$(expand "${commands[$i]}" "$document" "$scratch/out-$i")"
    : >"$scratch/times-$i"
  done
  for ((run = 0; run < runs; run++)); do
    for ((i = 0; i < n; i++)); do
      if [ "$fresh" = 1 ]; then rm -rf "$scratch/out-$i"; fi
      run_once "$(expand "${commands[$i]}" "$document" "$scratch/out-$i")" "$scratch/times-$i"
    done
  done
  for ((i = 0; i < n; i++)); do
    printf '  %-26s %-10s median %9s, fastest %9s' "$label" "${labels[$i]}" \
      "$(ms "$(median <"$scratch/times-$i")")" "$(ms "$(fastest <"$scratch/times-$i")")"
    if ((i > 0)); then
      printf ', %s/%s %s' "${labels[0]}" "${labels[$i]}" "$(paste "$scratch/times-0" "$scratch/times-$i" |
        awk '{ printf "%.3f\n", $1 / $2 }' | median)"
    fi
    echo
  done
}

instructions() { # command -> instructions of one run, in millions
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null $1 2>&1 >/dev/null |
    awk '/I *refs/ { gsub(",", "", $4); printf "%.1f M instructions", $4 / 1e6 }'
}

for document in "$@"; do
  echo "$(basename "$document") ($runs runs of each, wall time of the whole process):"
  measure "$document" "into a fresh directory" 1
  measure "$document" "up to date" 0
  if [ "${INSTRUCTIONS:-0}" = 1 ]; then
    for ((i = 0; i < ${#commands[@]}; i++)); do
      rm -rf "$scratch/out-$i"
      printf '  %-26s %-10s %s\n' "instructions, fresh" "${labels[$i]}" \
        "$(instructions "$(expand "${commands[$i]}" "$document" "$scratch/out-$i")")"
    done
  fi
done

if [ "${CARGO:-0}" = 1 ]; then
  cargo build --quiet -p xtask
  debug="${CARGO_TARGET_DIR:-$repo/target}/debug/xtask"
  labels=("cargo xtask" "debug binary")
  commands=("cargo xtask codegen" "$debug codegen")
  if [ -n "${BASELINE_CHECKOUT:-}" ]; then
    labels+=("baseline")
    commands+=("env -C $BASELINE_CHECKOUT cargo xtask codegen")
  fi
  echo
  echo "as users run it: \`cargo xtask codegen\` on spec/ (a debug build, through cargo):"
  measure "$repo/spec" "up to date" 0
  labels=("cargo xtask" "debug binary")
  commands=("cargo xtask help" "$debug help")
  measure "$repo/spec" "help (cargo's own share)" 0
fi
