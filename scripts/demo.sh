#!/usr/bin/env bash
# Builds reprise and runs the main job on the example territory plan: check
# it, analyse it, compute the recovery order with the staff it has, simulate
# the ransomware scenario, and write the documents (analysis report, recovery
# order, simulation, runbooks, dependency graph) to target/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
reprise=./target/release/reprise
plan=plans/territoire/plan.yaml
out=target/demo
mkdir -p "$out"
$reprise check "$plan"
$reprise analyze "$plan" --format markdown --lang fr > "$out/analyse.md"
echo "analysis: $out/analyse.md"
$reprise recover "$plan" --lang fr --format markdown > "$out/reprise.md"
echo "recovery order: $out/reprise.md"
$reprise simulate scenarios/rancongiciel-vpn.yaml --lang fr --format markdown > "$out/simulation-rancongiciel.md"
echo "ransomware simulation: $out/simulation-rancongiciel.md"
$reprise runbook "$plan" --out "$out/classeur" --format html --lang fr
echo "runbooks: $out/classeur/index.html"
$reprise graph "$plan" > "$out/graph.dot"
if command -v dot >/dev/null; then
  dot -Tsvg "$out/graph.dot" -o "$out/graph.svg"
  echo "graph: $out/graph.svg"
else
  echo "graph: $out/graph.dot (install Graphviz to render it)"
fi
