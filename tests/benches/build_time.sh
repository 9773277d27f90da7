#!/usr/bin/env bash
# Clean build time of generated crates alone (their dependencies, the runtime crate among
# them, already built), and their size in lines. Prints figures; run from anywhere:
#   bash tests/benches/build_time.sh [DOCUMENT...]
# Measures `generated/` and a crate generated from each DOCUMENT (by default two of
# ../shared/specs/dev: commerce-subscriptions-v1.json, three operations, and
# media-bridge-2026-03.json, 1 MB).
# RUNS=n sets the builds per configuration (default 5; the fastest and the median are shown,
# since a shared machine only ever adds time). RELEASE=1 adds a release build of `generated/`.
# XTASK=path generates the documents' crates with another build of the generator (say, one
# of an earlier commit) to compare layouts. With valgrind installed, INSTRUCTIONS=1 also
# counts the instructions rustc spends on the crate: a figure that does not move with the
# machine's load, for comparing two versions of the generator.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
export CARGO_INCREMENTAL=0
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target/build-time}"
runs=${RUNS:-5}
specs_dir="$repo/../shared/specs/dev"
if [ $# -eq 0 ]; then
  set -- "$specs_dir/commerce-subscriptions-v1.json" "$specs_dir/media-bridge-2026-03.json"
fi

build_once() { # manifest package cargo-args... -> milliseconds of a clean build of the crate
  local manifest=$1 package=$2; shift 2
  cargo clean --quiet --manifest-path "$manifest" -p "$package" "$@" 2>/dev/null ||
    cargo clean --quiet --manifest-path "$manifest" -p "$package"
  local start end
  start=$(date +%s%N)
  cargo build --quiet --offline --manifest-path "$manifest" -p "$package" "$@"
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

seconds() { printf '%d.%02d s' $(($1 / 1000)) $((($1 % 1000) / 10)); }

instructions() { # manifest package cargo-args... -> rustc's instructions for the crate, in millions
  local manifest=$1 package=$2; shift 2
  local wrapper out
  wrapper=$(mktemp)
  out=$(mktemp -d)
  cat >"$wrapper" <<WRAP
#!/usr/bin/env bash
rustc=\$1; shift
case " \$* " in
  *" --crate-name ${package//-/_} "*)
    exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=$out/cg.%p \
      --log-file=$out/log.%p "\$rustc" "\$@" ;;
  *) exec "\$rustc" "\$@" ;;
esac
WRAP
  chmod +x "$wrapper"
  cargo clean --quiet --manifest-path "$manifest" -p "$package" "$@" 2>/dev/null ||
    cargo clean --quiet --manifest-path "$manifest" -p "$package"
  RUSTC_WRAPPER="$wrapper" cargo build --quiet --offline --manifest-path "$manifest" -p "$package" "$@"
  grep -h 'I *refs' "$out"/log.* | awk '{gsub(",", "", $4); printf "%d M instructions", $4 / 1e6}'
  rm -rf "$wrapper" "$out"
}

measure() { # label manifest package cargo-args...
  local label=$1 manifest=$2 package=$3; shift 3
  cargo build --quiet --offline --manifest-path "$manifest" -p "$package" "$@" # dependencies
  local times=()
  for _ in $(seq "$runs"); do times+=("$(build_once "$manifest" "$package" "$@")"); done
  mapfile -t times < <(printf '%s\n' "${times[@]}" | sort -n)
  local line
  line=$(printf '  %-56s fastest %s, median %s' "$label" "$(seconds "${times[0]}")" \
    "$(seconds "${times[$((runs / 2))]}")")
  if [ "${INSTRUCTIONS:-0}" = 1 ]; then
    line="$line; $(instructions "$manifest" "$package" "$@")"
  fi
  echo "$line"
}

lines() { # crate-dir -> lines of its own Rust, and of the runtime it carries inside, if any
  local own runtime
  own=$(find "$1/src" -name '*.rs' -not -path '*/runtime/*' -print0 | xargs -0 cat | wc -l)
  runtime=$(find "$1/src" -path '*/runtime/*' -name '*.rs' -print0 | xargs -0 -r cat | wc -l)
  echo "  lines of Rust: $own generated, $runtime of runtime inside the crate"
}

# The features of a generated crate's modules: its defaults without the runtime's.
module_features() {
  sed -n 's/^default = \[\(.*\)\]/\1/p' "$1" | tr -d '" ' | tr ',' '\n' | grep -v '^client$' | paste -sd, -
}

echo "generated/ ($runs clean builds each, dependencies built):"
manifest="$repo/Cargo.toml"
measure "debug, default features (both versions, client)" "$manifest" hubspot-associations
measure "debug, models only (--no-default-features, v4,v2026_03)" "$manifest" hubspot-associations \
  --no-default-features --features v4,v2026_03
if [ "${RELEASE:-0}" = 1 ]; then
  measure "release, default features" "$manifest" hubspot-associations --release
fi
lines generated
# The runtime crate, which generated crates depend on: built once per build and target, however
# many generated crates use it.
if grep -q '^name = "hubspot-runtime"$' templates/Cargo.toml; then
  measure "runtime crate (hubspot-runtime), debug, with client" "$manifest" hubspot-runtime
fi

xtask=${XTASK:-}
if [ -z "$xtask" ]; then
  cargo build --quiet --release -p xtask
  xtask="$CARGO_TARGET_DIR/release/xtask"
fi
crates="$CARGO_TARGET_DIR/crates"
rm -rf "$crates"
mkdir -p "$crates"
runtime_args=()
# A generator with `--runtime` writes one runtime crate for all of them, as users who use
# several crates together would.
usage=$("$xtask" help)
if [[ $usage == *--runtime* ]]; then
  runtime_args=(--runtime "$crates/runtime")
fi
for document in "$@"; do
  stem=$(basename "$document" | sed 's/\.[^.]*$//')
  package="bench-$stem"
  dir="$crates/$stem"
  "$xtask" codegen --spec "$document" --out "$dir" --name "$package" "${runtime_args[@]}" 2>/dev/null
  cp "$repo/Cargo.lock" "$dir/Cargo.lock"
  echo
  echo "$(basename "$document") ($runs clean builds each, dependencies built):"
  manifest="$dir/Cargo.toml"
  measure "debug, default features (client)" "$manifest" "$package"
  measure "debug, models only (--no-default-features)" "$manifest" "$package" \
    --no-default-features --features "$(module_features "$manifest")"
  lines "$dir"
done
