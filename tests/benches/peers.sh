#!/usr/bin/env bash
# Our generator side by side with progenitor and OpenAPI Generator on the same documents.
# Run by hand (not in CI; it installs the peers and takes 15-30 minutes on 2 cores):
#   bash tests/benches/peers.sh
#
# For every document in ../shared/specs and ../shared/specs/dev (read in place) it times, in
# interleaved pairs (ours, peer, ours, peer, ...):
#   - generate: the whole generating process, from start to exit, into an empty directory;
#     ours is the release build of `cargo xtask codegen --spec DOC --out DIR` run directly
#     (without cargo's start-up), progenitor a release build of a small driver around its
#     library, OpenAPI Generator `java -jar` on the jar its PyPI package ships;
#   - build: `cargo build` (debug, CARGO_INCREMENTAL=0) of the generated crate after touching its
#     src/lib.rs, its dependencies already built: each tool's crates share one target directory,
#     warmed by a first build of every crate (ours share one runtime crate, `--runtime`, as
#     progenitor's share progenitor-client).
# It prints per document the median of each tool, the median (min-max) of the pairs' ratios
# ours/peer, and per comparison the geometric mean of those medians. A document a tool cannot
# generate or build is reported and left out of that tool's comparison.
#
# Settings (environment):
#   RUNS=n          pairs per document and figure (default 5)
#   PEERS_DIR=DIR   where the tools, the generated crates and their target directories live
#                   (default ${TMPDIR:-/tmp}/hubspot-peers; kept between runs, so a second run
#                   installs and warms nothing)
#   SPECS=DIR       the reference documents (default ../shared/specs beside the repository)
#   ONLY=REGEX      only documents whose file name matches (e.g. ONLY='subscription')
#   OAG_VERSION=v   the openapi-generator-cli release from PyPI (default 7.26.0)
# Needs python3 with venv and pip, cargo, and java (installed from Debian's packages as
# default-jre-headless when missing and running as root).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/tests/benches/peers"
specs=$(cd "${SPECS:-$repo/../shared/specs}" && pwd)
work=${PEERS_DIR:-${TMPDIR:-/tmp}/hubspot-peers}
runs=${RUNS:-5}
only=${ONLY:-.}
progenitor_version=0.15.1
oag_version=${OAG_VERSION:-7.26.0}
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never

mkdir -p "$work/logs"
results="$work/results.tsv"
: >"$results"

say() { printf '%s\n' "$*" >&2; }

# --- the tools -------------------------------------------------------------------------------

install_java() {
  command -v java >/dev/null && return
  if [ "$(id -u)" != 0 ]; then
    say "java is missing: install a Java runtime (Debian: apt-get install default-jre-headless)"
    exit 1
  fi
  say "installing a Java runtime from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
}

install_oag() { # -> the jar's path on stdout
  local venv="$work/oag-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  local installed
  installed=$("$venv/bin/pip" show openapi-generator-cli 2>/dev/null || true)
  if ! grep -qx "Version: $oag_version" <<<"$installed"; then
    say "installing openapi-generator-cli $oag_version from PyPI"
    "$venv/bin/pip" install --quiet "openapi-generator-cli==$oag_version" >&2
  fi
  "$venv/bin/python" -c \
    "import importlib.resources as r; print(r.files('openapi_generator_cli') / 'openapi-generator.jar')"
}

build_progenitor_driver() { # -> the driver's path on stdout
  local crate="$work/progenitor-driver"
  mkdir -p "$crate"
  # A crate of its own, outside the workspace; its one source file is kept in the repository.
  cat >"$crate/Cargo.toml" <<TOML
[package]
name = "progenitor-driver"
version = "0.1.0"
edition = "2021"
publish = false
autobins = false

[workspace]

[[bin]]
name = "progenitor_driver"
path = "$here/progenitor_driver.rs"

[dependencies]
progenitor = { version = "=$progenitor_version", default-features = false }
openapiv3 = "2"
prettyplease = "0.2"
serde_json = "1"
syn = { version = "2", features = ["full"] }
TOML
  say "building the progenitor $progenitor_version driver"
  cargo build --quiet --release --manifest-path "$crate/Cargo.toml" >&2
  echo "$crate/target/release/progenitor_driver"
}

build_ours() { # -> the generator's path on stdout
  say "building our generator (release)"
  cargo build --quiet --release -p xtask --manifest-path "$repo/Cargo.toml" >&2
  echo "$repo/target/release/xtask"
}

install_java
oag_jar=$(install_oag)
progenitor=$(build_progenitor_driver)
xtask=$(build_ours)
say "ours at $(git -C "$repo" rev-parse --short HEAD), progenitor $progenitor_version, OpenAPI Generator $oag_version on $(java -version 2>&1 | head -1)"

# --- generating ------------------------------------------------------------------------------

generate() { # tool document out-dir [runtime-dir] -> the tool's exit status; output to a log
  local tool=$1 document=$2 out=$3 runtime=${4:-$3/runtime} name
  name=$(basename "$document" .json)
  rm -rf "$out"
  case $tool in
    ours) "$xtask" codegen --spec "$document" --out "$out" --runtime "$runtime" ;;
    progenitor) "$progenitor" "$document" "$out" "$name" ;;
    # Without packageVersion its crates for date-versioned documents do not compile (the
    # document's version is not a semantic version); validation off, since ours generates
    # documents with HubSpot's defects (with a warning) too.
    oag) java -jar "$oag_jar" generate -i "$document" -g rust -o "$out" --skip-validate-spec \
      --additional-properties=packageVersion=1.0.0,packageName="$name" ;;
  esac >>"$work/logs/$tool-$name.log" 2>&1
}

build() { # tool crate-dir -> cargo's exit status
  CARGO_TARGET_DIR="$work/target-$1" cargo build --quiet --manifest-path "$2/Cargo.toml" \
    >>"$work/logs/$1-$(basename "$2").log" 2>&1
}

micros() { # command... -> its wall time in microseconds on stdout, or fails as it failed
  local start end
  start=$(date +%s%N)
  "$@" || return
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
}

rust_lines() { find "$1" -name '*.rs' -print0 | xargs -0 cat | wc -l; }

documents=()
for document in "$specs"/*.json "$specs"/dev/*.json; do
  [[ $(basename "$document") =~ $only ]] && documents+=("$document")
done
[ ${#documents[@]} -gt 0 ] || { say "no documents in $specs matching '$only'"; exit 1; }

# Which tool can do which document: generate each once into the crate that is built, and build
# it (which also builds the tool's dependencies once, into the tool's target directory).
declare -A usable
for document in "${documents[@]}"; do
  name=$(basename "$document" .json)
  for tool in ours progenitor oag; do
    crate="$work/crates/$tool/$name"
    rm -f "$work/logs/$tool-$name.log"
    if ! generate "$tool" "$document" "$crate" "$work/crates/ours-runtime"; then
      say "$tool cannot generate $name: $(grep -m1 -iE 'error|panic|exception|refused' "$work/logs/$tool-$name.log" | cut -c1-160)"
    elif ! build "$tool" "$crate"; then
      say "$tool's crate for $name does not build: $(grep -m1 -E '^error' "$work/logs/$tool-$name.log" | cut -c1-160)"
    else
      usable[$tool/$name]=1
      printf 'lines\t%s\t%s\t%s\n' "$tool" "$name" "$(rust_lines "$crate/src")" >>"$results"
    fi
  done
done

[ ! -d "$work/crates/ours-runtime" ] ||
  printf 'lines\tours-runtime\t-\t%s\n' "$(rust_lines "$work/crates/ours-runtime/src")" >>"$results"

# --- timing, interleaved ---------------------------------------------------------------------

time_generate() { generate "$1" "$2" "$work/scratch/$1"; }
time_build() { touch "$work/crates/$1/$2/src/lib.rs" && build "$1" "$work/crates/$1/$2"; }

for document in "${documents[@]}"; do
  name=$(basename "$document" .json)
  [ -n "${usable[ours/$name]:-}" ] || continue
  for peer in progenitor oag; do
    [ -n "${usable[$peer/$name]:-}" ] || continue
    say "timing $name: ours against $peer, $runs pairs each"
    for _ in $(seq "$runs"); do
      a=$(micros time_generate ours "$document") && b=$(micros time_generate "$peer" "$document") &&
        printf 'generate\t%s\t%s\t%s\t%s\n' "$peer" "$name" "$a" "$b" >>"$results"
    done
    for _ in $(seq "$runs"); do
      a=$(micros time_build ours "$name") && b=$(micros time_build "$peer" "$name") &&
        printf 'build\t%s\t%s\t%s\t%s\n' "$peer" "$name" "$a" "$b" >>"$results"
    done
  done
done

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $runs pairs per figure"
python3 "$here/summarise.py" "$results"
