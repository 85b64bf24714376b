# reprise, French: le retour d'expérience (RETEX).
# One message per sentence; `{ $name }` is an argument the code gives.

retex-quote = « { $text } »

retex-due = J+{ $days } après l'exercice

retex-owners-text = la cellule de crise ({ $players })

retex-plan-intro = Une action par axe d'amélioration. Les échéances courent depuis l'exercice ({ $exercise_day }) : 30 jours pour les objectifs non atteints et les dépassements des processus vitaux, 60 jours pour les relances et les autres dépassements, 90 jours pour le reste.

retex-objective-met = Objectif { $objective } atteint

retex-objective-met-on-time = {" "}: décision { $command } prise à { $at }{ $by }, { $margin } avant l'échéance ({ $deadline })

retex-observers = {" "}; observateurs : { $text }

retex-processes-held = { $held } des { $stopped } processus arrêtés sont restés dans leur DMIA (MTPD) jusqu'à la fin du jeu : { $names }.

retex-workaround-before = Mode dégradé activé pour { $process } à { $at }{ $by }, avant l'arrêt du processus.

retex-workaround-within = Mode dégradé activé pour { $process } à { $at }{ $by }, { $after } après l'arrêt, dans sa DMIA (MTPD) de { $mtpd }.

retex-orders-at-once = Ordres donnés quand leurs dépendances étaient disponibles, exécutés aussitôt : { $orders }.

retex-and-more = {" "}et { $more } autres

retex-overview-injects = { $delivered } ({ $timed } sur { $timeline } programmés, { $contingency } relance(s) sur { $contingencies })

retex-overview-journal = { $entries } (dont { $evaluations } évaluations et { $notes } notes)

retex-overview-crisis = { $level } (déclaré à { $at }{ $by })

retex-overview-replay = { $journal } (graine { $seed })

retex-expected-by = { $expect } avant { $deadline }

retex-taken-early = { $at }{ $by }, { $margin } d'avance

retex-contingency-fired = {" "}; relance { $id } jouée à { $at }

retex-processes-intro = À la fin du jeu ({ $now }), { $processes } processus ont été arrêtés ou dégradés depuis T0 : { $still } encore arrêtés, { $breaches } au-delà de leur DMIA (MTPD), { $data } avec plus de données perdues que leur PDMA (RPO) ne le permet. L'arrêt court depuis l'interruption de chaque processus (depuis le T0 du scénario), hors temps en mode dégradé.

retex-held-so-far = tenue jusqu'ici, reste { $left }

retex-comparison-intro = Les équipes de l'ordonnanceur jouent le même scénario (graine { $seed }) de T0 à la fin de leur déroulement ({ $horizon } : tout rétabli, ou l'horizon du scénario) : elles planifient avec ce qu'elles savent ({ $schedules } ordonnancements par planification) et replanifient à mesure qu'elles apprennent. Pour chaque processus vital ou essentiel : quand il fonctionne de nouveau pendant l'exercice et dans le meilleur ordonnancement, et les premières interventions du solveur sur ce dont il dépend.

retex-then-more = , puis { $more } autres

retex-back-in-exercise = rétabli à { $at } pendant l'exercice

retex-not-back-in-exercise = pas rétabli à la fin de l'exercice ({ $now })

retex-best-not-back = le meilleur ordonnancement ne le rétablit pas non plus avant la fin de son déroulement ({ $horizon })

retex-earlier = , { $gap } plus tôt

retex-later = , { $gap } plus tard que les joueurs

retex-best-back = le meilleur ordonnancement le rétablit à { $at }{ $gap }

retex-compared-line = { $name } : { $exercise } ; { $best }{ $how }.{ $players }

retex-decision-late = { $command } est venue à { $at }, { $late } après l'échéance ({ $deadline })

retex-no-decision = aucune décision { $expect } avant { $deadline }

retex-contingency-played = la relance { $id } a dû être jouée à { $at }

retex-objective-missed = Objectif { $objective } non atteint : { $why }.

retex-process-breached = { $name } ({ $id }, { $criticality }) a dépassé sa DMIA (MTPD) de { $mtpd } : { $down } d'arrêt à la fin du jeu

retex-best-back-at = {" "}; le meilleur ordonnancement le rétablit à { $at }

retex-workaround-never = {" "}Son mode dégradé ({ $name }) n'a pas été activé : en préparer l'activation.

retex-lower-breaches = { $count } processus importants ou différables ont dépassé leur DMIA (MTPD) : { $processes }.

retex-data-lost = { $count } processus ont perdu plus de données que leur PDMA (RPO) ne le permet : { $processes }.

retex-by = {" "}par { $who }

retex-best-starts-by = {" "}{ $chain }

retex-best-not-back-starts-by = {" "}; il commence { $chain }

retex-players-ordered = {" "}Pendant l'exercice, les joueurs ont ordonné, parmi ce dont il dépend : { $ordered }.

retex-observers-said = observateurs : { $text }

retex-action-reflex = Objectif { $objective } : faire de { $expect } un réflexe des rôles concernés (une ligne de leur liste des premières heures, un déclencheur, un suppléant) et l'entraîner jusqu'à ce qu'elle soit prise dans les { $within } suivant le début de la crise ({ $start }).

retex-action-procedure = Objectif { $objective } : traduire les constats des observateurs en procédure avec les rôles concernés ({ $text }), et le vérifier au prochain exercice.

retex-action-review = Revoir comment { $id } est rétabli en moins de { $mtpd } : ses dépendances, leurs durées de restauration et les équipes qu'elles mobilisent.

retex-blocking-back = { $id } (rétabli à { $at })

retex-blocking-down = { $id } (toujours arrêté)

retex-waited = a attendu { $wait } avant de commencer

retex-still-waiting = attendait encore à la fin du jeu ({ $now })
retex-taken-late = { $at }{ $by }, { $late } de retard

retex-met-but-breached = atteint, mais DMIA dépassée pour { $breached }

retex-purpose-failed = Objectif { $objective } atteint, mais ce qu'il protège a dépassé sa DMIA (MTPD) : { $names }.

retex-action-purpose = Objectif { $objective } : vérifier que la décision attendue protège vraiment { $names } (ce qu'elle coupe, ce dont ces processus ont encore besoin), et ce qu'il leur faut d'autre dans leur DMIA.

retex-contingency = La relance { $id } a dû être jouée à { $at } ({ $channel }, de { $from }) : personne n'avait pris { $expected } à cette heure.

retex-action-contingency = Inscrire { $expected } dans les procédures des rôles concernés, avec son déclencheur, pour qu'elle soit prise avant { $at }.

retex-workaround-late = Le mode dégradé de { $process } a été activé à { $at }, { $after } après l'arrêt : au-delà de sa DMIA (MTPD) de { $mtpd }.

retex-action-workaround = Décider l'activation du mode dégradé de { $process } dès l'arrêt ; tenir son nécessaire (formulaires, registres) prêt là où il sert.

retex-investigation = Des ordres portant sur ce que l'attaquant détenait ont attendu la fin de l'investigation, à { $cleared } : { $orders }. Rien de ce qu'il détenait n'est reconstruit avant.

retex-action-investigation = Pendant l'investigation, préparer la reconstruction de ce que l'attaquant détenait (environnement sain, copies à vérifier, ordre du plan de reprise) pour qu'elle commence à { $cleared }.

retex-waited-line = { $command } ordonné à { $at }{ $by } { $waited } : ce dont il dépend était arrêté, { $blocking }.

retex-action-order = Ordonner les restaurations dans l'ordre des dépendances : { $blocking } avant { $service } ; suivre les vagues du plan de reprise (`reprise runbook`).

retex-action-reorder = Revoir l'ordre de reprise pour { $id } : rétablir d'abord { $steps }, comme le meilleur ordonnancement (`reprise recover --scenario`).
