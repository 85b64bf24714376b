#!/usr/bin/env bash
# Builds reprise and runs the main job on the example territory plan: check
# it, analyse it, compute the recovery order with the staff it has, simulate
# the ransomware scenario, play a short scripted exercise on it, and write the
# documents (analysis report, recovery order, simulation, exercise and its
# after-action report, runbooks, dependency graph) to target/demo.
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
# A short scripted tabletop exercise on the ransomware, then its report.
rm -f "$out/exercice.journal.jsonl"
$reprise --lang fr exercise run scenarios/exercises/rancongiciel-vpn.yaml \
  --journal "$out/exercice.journal.jsonl" > "$out/exercice.txt" <<'SCRIPT'
next
@dgs crisis 2
@rssi isolate zone:users
@rssi isolate zone:scada
@dsi restore ad with infra
@population workaround etat-civil-nantes
next
next
step 2h
end
quit
SCRIPT
echo "exercise (terminal): $out/exercice.txt, journal $out/exercice.journal.jsonl"
$reprise exercise report "$out/exercice.journal.jsonl" --lang fr --format html > "$out/retex.html"
echo "after-action report: $out/retex.html"
$reprise runbook "$plan" --out "$out/classeur" --format html --lang fr
echo "runbooks: $out/classeur/index.html"
$reprise graph "$plan" > "$out/graph.dot"
if command -v dot >/dev/null; then
  dot -Tsvg "$out/graph.dot" -o "$out/graph.svg"
  echo "graph: $out/graph.svg"
else
  echo "graph: $out/graph.dot (install Graphviz to render it)"
fi
