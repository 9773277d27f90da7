#!/usr/bin/env bash
# Clean build time of the generated crate alone (its dependencies already built), debug and
# release, and its size in lines. Prints figures; run from anywhere:
#   bash tests/benches/build_time.sh
# RUNS=n sets the builds per configuration (default 5; the fastest and the median are shown,
# since a shared machine only ever adds time). With valgrind installed, INSTRUCTIONS=1 also
# counts the instructions rustc spends on the crate: a figure that does not move with the
# machine's load, for comparing two versions of the generator.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_INCREMENTAL=0
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/build-time}"
runs=${RUNS:-5}

build_once() { # cargo-args... -> milliseconds of a clean build of the crate
  cargo clean --quiet -p hubspot-associations "$@" 2>/dev/null || cargo clean --quiet -p hubspot-associations
  local start end
  start=$(date +%s%N)
  cargo build --quiet -p hubspot-associations "$@"
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

seconds() { printf '%d.%02d s' $(($1 / 1000)) $((($1 % 1000) / 10)); }

instructions() { # cargo-args... -> rustc's instructions for the crate, in millions
  local wrapper out
  wrapper=$(mktemp)
  out=$(mktemp -d)
  cat >"$wrapper" <<WRAP
#!/usr/bin/env bash
rustc=\$1; shift
case " \$* " in
  *" --crate-name hubspot_associations "*)
    exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=$out/cg.%p \
      --log-file=$out/log.%p "\$rustc" "\$@" ;;
  *) exec "\$rustc" "\$@" ;;
esac
WRAP
  chmod +x "$wrapper"
  cargo clean --quiet -p hubspot-associations "$@" 2>/dev/null || cargo clean --quiet -p hubspot-associations
  RUSTC_WRAPPER="$wrapper" cargo build --quiet -p hubspot-associations "$@"
  grep -h 'I *refs' "$out"/log.* | awk '{gsub(",", "", $4); printf "%d M instructions", $4 / 1e6}'
  rm -rf "$wrapper" "$out"
}

measure() { # label cargo-args...
  local label=$1; shift
  cargo build --quiet -p hubspot-associations "$@" # dependencies
  local times=()
  for _ in $(seq "$runs"); do times+=("$(build_once "$@")"); done
  mapfile -t times < <(printf '%s\n' "${times[@]}" | sort -n)
  local line
  line=$(printf '%-58s fastest %s, median %s' "$label" "$(seconds "${times[0]}")" \
    "$(seconds "${times[$((runs / 2))]}")")
  if [ "${INSTRUCTIONS:-0}" = 1 ]; then
    line="$line; $(instructions "$@")"
  fi
  echo "$line"
}

echo "generated crate, clean build of the crate alone ($runs builds each):"
measure "debug, default features (both versions, client)"
measure "debug, models only (--no-default-features, v4,v2026_03)" --no-default-features --features v4,v2026_03
measure "debug, one version, models only" --no-default-features --features v2026_03
measure "release, default features" --release
echo
echo "lines of generated Rust:"
find generated/src -name '*.rs' -not -path '*/runtime/*' | sort | xargs wc -l | sed 's/^/  /'
echo "  runtime (copied from templates/): $(cat generated/src/runtime/*.rs | wc -l) lines"
