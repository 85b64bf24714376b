#!/usr/bin/env bash
# Runs every check and test of reprise on a fresh Debian machine: installs
# what the tests need from Debian's packages (Graphviz for the graph test,
# Chromium for the runbook test), then formatting, lints, and the whole test
# suite.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v dot >/dev/null || need+=(graphviz)
command -v chromium >/dev/null || need+=(chromium)
if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${need[*]} from Debian's packages"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo fmt --check
cargo clippy --locked --all-targets --quiet -- -D warnings
cargo test --locked --all-targets
# The documentation builds without a broken link, and its examples run.
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps --quiet
cargo test --locked --doc
