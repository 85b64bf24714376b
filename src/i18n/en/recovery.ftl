# reprise, English: the recovery plan, its runbooks and its assumptions.
# One message per sentence; `{ $name }` is an argument the code gives.

recovery-summary = { $services } services to recover; everything is back at { $makespan } (at best { $lower_bound } with unlimited teams). { $on_time } of { $stopped } stopped processes are back within their DMIA; { $late } are late.

recovery-failback-failover = { $name } ({ $id }): once the primary is repaired at { $home } (restore { $restore }, rebuild { $rebuild }), resynchronise it from { $standby } and switch back ({ $switch }; { $teams })

recovery-failback-relocated = { $name } ({ $id }): once { $home } is rebuilt, back up the service at { $there }, restore it at { $home } ({ $restore }; { $teams }), then free its { $size } units at { $there }

recovery-shutdown-restart = { $id } (restart { $clean } instead of { $crash })

recovery-shutdown = { $at }: { $name } ({ $id }) runs out of reserves at { $drained }; stop cleanly, in { $lead }: { $stops }

recovery-site-stands-in = { $site } stands in for { $home }: { $used } of { $capacity } units taken by { $moved } services brought there; { $waiting } services that would have been back sooner there are worked on in place for lack of room.

recovery-why-sooner = expected back at { $there } there against { $in_place } in place (unlimited teams)

recovery-why-no-room = { $site } is full (its room went to more critical services): it would have been back at { $there } there

recovery-manual-switch = manual, on the crisis cell's decision (planned { $decision } after the loss)

recovery-assumptions-scenario = Situation: scenario « { $scenario } »; what it hits is restored, what depends on it comes back with it.

recovery-assumptions-teams = People available per team: { $teams }.

recovery-assumptions-order = Order computed by a genetic algorithm over { $schedules } schedules (seed { $seed }): first as few processes past their DMIA as possible (weighted by criticality), then the least weighted lateness, then the shortest total time.

recovery-attack-line = Cyberattack: entry through { $entry } at { $at }, { $pace }, { $ends ->
        [encryption] encryption
       *[detection] detection
    } at T+{ $ended }; investigation of { $investigation }: nothing the attacker held is rebuilt before T+{ $cleared }, and a copy newer than the compromise is restored only once checked clean.

recovery-attack-pace = about { $pace } per lateral move

recovery-event-outage-for = outage of { $services } for { $lasts }
recovery-event-outage = outage of { $services }
recovery-event-destroy = { $services } destroyed
recovery-event-staff = team { $team }: { $capacity } people{ $lasts }
recovery-event-power = mains power cut on { $services } for { $lasts }
recovery-event-isolate = { $zones } cut off the network{ $lasts }
