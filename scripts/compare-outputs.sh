#!/usr/bin/env bash
# Usage: scripts/compare-outputs.sh OLD-BINARY NEW-BINARY
#
# Runs the same commands (check, show, analyze, impact, recover, runbook,
# simulate, Monte Carlo, graph, exercise check/run/report/generate, both
# languages, the example plan, the shipped scenarios and the bad fixtures)
# with two builds of reprise, and lists the outputs that differ once wall
# clocks and temporary paths are set aside. For refactorings that must keep
# every output byte for byte.
set -u
OLD=$(realpath "$1"); NEW=$(realpath "$2"); cd "$(dirname "$0")/.."
out=${TMPDIR:-/tmp}/reprise-compare; rm -rf $out; mkdir -p $out/old $out/new
P=plans/territoire/plan.yaml
run() { # name args...
  local name=$1; shift
  for v in old new; do
    B=$OLD; [ $v = new ] && B=$NEW
    ( $B "$@" > $out/$v/$name.out 2> $out/$v/$name.err; echo "rc=$?" >> $out/$v/$name.out )
  done
}
for lang in en fr; do
  run check-$lang check $P --lang $lang
  run checkmd-$lang check $P --format markdown --lang $lang
  run show-$lang show $P --lang $lang
  for f in table markdown json; do run analyze-$f-$lang analyze $P --format $f --lang $lang; done
  run impact-$lang impact $P site:dc-a --lang $lang
  run recover-$lang recover $P --budget 300 --lang $lang
  run recovermd-$lang recover $P --budget 300 --format markdown --lang $lang
  for b in tests/fixtures/bad/*.yaml; do for f in table markdown json; do run bad-$(basename $b .yaml)-$f-$lang check $b --format $f --lang $lang; done; done
  for f in table markdown json; do run showall-$f-$lang show $P --format $f --lang $lang; done
  run graph-$lang graph $P --format mermaid --lang $lang
  for s in scenarios/*.yaml; do
    n=$(basename $s .yaml)
    run sim-$n-$lang simulate $s --lang $lang
    run simmd-$n-$lang simulate $s --format markdown --lang $lang
    run rec-$n-$lang recover $P --scenario $s --budget 200 --lang $lang
    run recmd-$n-$lang recover $P --scenario $s --budget 200 --format markdown --lang $lang
  done
  run mc-$lang simulate scenarios/rancongiciel-vpn.yaml --runs 50 --lang $lang
  run mcmd-$lang simulate scenarios/incendie-dc-a.yaml --runs 30 --format markdown --lang $lang
  for x in scenarios/exercises/*.yaml; do run ex-$(basename $x .yaml)-$lang exercise check $x --lang $lang; done
done
for v in old new; do
  B=$OLD; [ $v = new ] && B=$NEW
  printf 'next\n@dsi crisis 2\n@dsi restore dhcp\n@dsi restore ad with infra\n@population workaround etat-civil-nantes\ngoto 5d12h\n@observateur evaluate communication missed Pas de porte-parole\nend\nquit\n' | $B exercise run scenarios/exercises/rancongiciel-vpn.yaml --journal $out/$v/j1.jsonl > $out/$v/run1.out 2>&1
  printf 'next\n@dgs crisis 2\nnext\n@resp-infra failover ad\ngoto 5h\n@observateur evaluate priorites met Ordre conforme\nend\nquit\n' | $B exercise run scenarios/exercises/incendie-dc-a.yaml --journal $out/$v/j2.jsonl > $out/$v/run2.out 2>&1
  for lang in en fr; do for f in markdown html json; do
    $B exercise report $out/$v/j1.jsonl --format $f --lang $lang > $out/$v/rep1-$f-$lang.out 2>&1
    $B exercise report $out/$v/j2.jsonl --format $f --lang $lang > $out/$v/rep2-$f-$lang.out 2>&1
  done; done
  for lang in en fr; do $B runbook $P --budget 200 --out $out/$v/rb-$lang --lang $lang >/dev/null 2>&1; done
  $B exercise generate scenarios/incendie-dc-a.yaml --output $out/$v/gen.yaml > $out/$v/gen.out 2>&1
done
# wall clocks and paths differ between the two runs
find $out -type f | xargs sed -i -E -e "s#$out/(old|new)#DIR#g" -e 's#[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?#WALL#g; s#"(wall|created|ts)[a-z_]*": *[0-9]+#"\1": N#g'
diff -rq $out/old $out/new | head -60
echo "compared $(ls $out/new | wc -l) outputs"
