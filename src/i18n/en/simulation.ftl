# reprise, English: a simulated run and Monte Carlo statistics.
# One message per sentence; `{ $name }` is an argument the code gives.

simulation-team-shifts = team { $team } goes on shifts: { $capacity } people at once

simulation-team-size = team { $team } has { $capacity } people

simulation-relocation-starts = relocation to { $site } starts

simulation-controlled-shutdown = controlled shutdown before { $source }'s reserves run out: restarted once the power is back

simulation-zone-cut = zone { $zone } cut off the network

simulation-zone-connected = zone { $zone } connected again

simulation-teams-plan = the teams plan with what they know: { $steps } step(s) to carry out

simulation-all-back = Everything is back at { $at }.

simulation-not-all-back = Not everything is back when the simulation stops at { $end } ({ $why }): { $list }; their downtime runs at least until then.

simulation-horizon-warning = warning: the simulation stopped at { $end } with { $count } service(s) or process(es) not back; their downtime is a lower bound (give the scenario a longer `horizon`, or see why the work cannot start)

simulation-monte-carlo-method = { $runs } runs (seed { $seed }): recovery durations drawn from each service's range (triangular around the planned duration), the attack's spread drawn afresh. Breach probabilities with their 95 % Wilson interval.

simulation-monte-carlo-cut = { $cut } of the { $runs } runs stop with something not back (the scenario's horizon, or work that cannot start): figures marked ≥ are lower bounds.

simulation-head = { $stopped } processes stop; { $breaches } are down longer than their DMIA.
