#!/usr/bin/env bash
# Builds reprise and runs it on the example territory plan: validation,
# the plan's tables, and its dependency graph as SVG when Graphviz is there.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
plan=plans/territoire/plan.yaml
./target/release/reprise check "$plan"
./target/release/reprise show "$plan" --what processes --lang fr
mkdir -p target/demo
./target/release/reprise graph "$plan" > target/demo/graph.dot
if command -v dot >/dev/null; then
  dot -Tsvg target/demo/graph.dot -o target/demo/graph.svg
  echo "graph: target/demo/graph.svg"
else
  echo "graph: target/demo/graph.dot (install Graphviz to render it)"
fi
