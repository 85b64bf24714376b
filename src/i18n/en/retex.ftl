# reprise, English: the after-action report (RETEX).
# One message per sentence; `{ $name }` is an argument the code gives.

retex-quote = “{ $text }”

retex-due = exercise day + { $days } days

retex-owners-text = the crisis cell ({ $players })

retex-plan-intro = One action per area for improvement. Due dates count from the exercise ({ $exercise_day }): 30 days for missed objectives and breaches of vital processes, 60 days for contingency injects and other breaches, 90 days for the rest.

retex-objective-met = Objective { $objective } met

retex-objective-met-on-time = : decision { $command } taken at { $at }{ $by }, { $margin } before its deadline ({ $deadline })

retex-observers = ; observers: { $text }

retex-processes-held = { $held } of the { $stopped } processes that stopped stayed within their DMIA (MTPD) up to the end of play: { $names }.

retex-workaround-before = Workaround of { $process } activated at { $at }{ $by }, before the process stopped.

retex-workaround-within = Workaround of { $process } activated at { $at }{ $by }, { $after } after it stopped, within its DMIA (MTPD) of { $mtpd }.

retex-orders-at-once = Orders given when what they need was up, so the work started at once: { $orders }.

retex-and-more = {" "}and { $more } more

retex-overview-injects = { $delivered } ({ $timed } of { $timeline } timed, { $contingency } of { $contingencies } contingency)

retex-overview-journal = { $entries } (including { $evaluations } evaluations and { $notes } notes)

retex-overview-crisis = { $level } (declared at { $at }{ $by })

retex-overview-replay = { $journal } (seed { $seed })

retex-expected-by = { $expect } by { $deadline }

retex-taken-early = { $at }{ $by }, { $margin } early

retex-contingency-fired = ; contingency { $id } fired at { $at }

retex-processes-intro = At the end of play ({ $now }), { $processes } processes had stopped or been degraded since T0: { $still } still down, { $breaches } past their DMIA (MTPD), { $data } with more data lost than their PDMA (RPO) allows. Down time runs from when each process stopped (since the scenario's T0), time on a workaround excluded.

retex-held-so-far = held so far, { $left } left

retex-comparison-intro = The scheduler's teams play the same scenario (seed { $seed }) from T0 to the end of their run ({ $horizon }: everything back, or the scenario's horizon): they plan with what they know ({ $schedules } schedules per planning) and plan again as they learn. For each vital or essential process: when it works again in the exercise and in the best schedule, and the solver's first steps on what it needs.

retex-then-more = , then { $more } more

retex-back-in-exercise = back at { $at } in the exercise

retex-not-back-in-exercise = not back by the end of the exercise ({ $now })

retex-best-not-back = the best schedule does not have it back by the end of its run ({ $horizon }) either

retex-earlier = , { $gap } earlier

retex-later = , { $gap } later than the players

retex-best-back = the best schedule has it back at { $at }{ $gap }

retex-compared-line = { $name }: { $exercise }; { $best }{ $how }.{ $players }

retex-decision-late = { $command } came at { $at }, { $late } after its deadline ({ $deadline })

retex-no-decision = no decision { $expect } by { $deadline }

retex-contingency-played = contingency inject { $id } had to be played at { $at }

retex-objective-missed = Objective { $objective } missed: { $why }.

retex-process-breached = { $name } ({ $id }, { $criticality }) breached its DMIA (MTPD) of { $mtpd }: down { $down } at the end of play

retex-best-back-at = ; the best schedule has it back at { $at }

retex-workaround-never = {" "}Its workaround ({ $name }) was never activated: prepare its activation.

retex-lower-breaches = { $count } important or deferrable processes breached their DMIA (MTPD): { $processes }.

retex-data-lost = { $count } processes lost more data than their PDMA (RPO) allows: { $processes }.

retex-by = {" "}by { $who }

retex-best-starts-by = {" "}by { $chain }

retex-best-not-back-starts-by = ; it starts by { $chain }

retex-players-ordered = {" "}In the exercise, the players ordered, of what it needs: { $ordered }.

retex-observers-said = observers: { $text }

retex-action-reflex = Objective { $objective }: make { $expect } a reflex of the roles concerned (a line of their first-hours checklist, a trigger, a stand-in) and rehearse it until it is taken within { $within } of the start of the crisis ({ $start }).

retex-action-procedure = Objective { $objective }: turn the observers' findings into a procedure with the roles concerned ({ $text }), and check it again at the next exercise.

retex-action-review = Review how { $id } is brought back within { $mtpd }: its dependencies, their recovery times and the teams they need.

retex-blocking-back = { $id } (back at { $at })

retex-blocking-down = { $id } (still down)

retex-waited = waited { $wait } to start

retex-still-waiting = was still waiting at the end of play ({ $now })
retex-taken-late = { $at }{ $by }, { $late } late

retex-met-but-breached = met, but { $breached } breached its DMIA

retex-purpose-failed = Objective { $objective } met, yet what it protects breached its DMIA (MTPD): { $names }.

retex-action-purpose = Objective { $objective }: check that the expected decision really protects { $names } (what it cuts, what those processes still need), and what else they need within their DMIA.

retex-contingency = Contingency inject { $id } had to be played at { $at } ({ $channel }, from { $from }): nobody had taken { $expected } by then.

retex-action-contingency = Add { $expected } to the procedures of the roles concerned, with its trigger, so it is taken before { $at }.

retex-workaround-late = The workaround of { $process } was activated at { $at }, { $after } after it stopped: later than its DMIA (MTPD) of { $mtpd }.

retex-action-workaround = Decide the activation of { $process }'s workaround as soon as it stops; keep its kit (forms, registers) ready where it is used.

retex-investigation = Orders on what the attacker held waited for the investigation, which ends at { $cleared }: { $orders }. Nothing it held is rebuilt before then.

retex-action-investigation = During the investigation, prepare the rebuild of what the attacker held (a clean environment, the copies to check, the order of the recovery runbook) so that it starts at { $cleared }.

retex-waited-line = { $command } ordered at { $at }{ $by } { $waited }: what it needs was down, { $blocking }.

retex-action-order = Order restorations in dependency order: { $blocking } before { $service }; follow the waves of the recovery runbook (`reprise runbook`).

retex-action-reorder = Review the recovery order for { $id }: bring back { $steps } first, as the best schedule does (`reprise recover --scenario`).
