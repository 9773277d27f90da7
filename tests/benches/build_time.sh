#!/usr/bin/env bash
# Clean build time of the generated crate alone (its dependencies already built), debug and
# release, and its size in lines. Prints figures; run from anywhere:
#   bash tests/benches/build_time.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_INCREMENTAL=0
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/build-time}"

measure() { # profile-flag features-label cargo-args...
  local label=$1; shift
  cargo build --quiet -p hubspot-associations "$@"          # dependencies
  cargo clean --quiet -p hubspot-associations "$@" 2>/dev/null || cargo clean --quiet -p hubspot-associations
  local start end
  start=$(date +%s%N)
  cargo build --quiet -p hubspot-associations "$@"
  end=$(date +%s%N)
  local ms=$(( (end - start) / 1000000 ))
  printf '%-58s %d.%02d s\n' "$label" $((ms / 1000)) $(((ms % 1000) / 10))
}

echo "generated crate, clean build of the crate alone:"
measure "debug, default features (both versions, client)"
measure "debug, models only (--no-default-features, v4,v2026_03)" --no-default-features --features v4,v2026_03
measure "debug, one version, models only" --no-default-features --features v2026_03
measure "release, default features" --release
echo
echo "lines of generated Rust:"
find generated/src -name '*.rs' -not -path '*/runtime/*' | sort | xargs wc -l | sed 's/^/  /'
echo "  runtime (copied from templates/): $(cat generated/src/runtime/*.rs | wc -l) lines"
