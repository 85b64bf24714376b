# reprise, French: une simulation et les statistiques de Monte-Carlo.
# One message per sentence; `{ $name }` is an argument the code gives.

simulation-team-shifts = l'équipe { $team } passe en roulement : { $capacity } personne(s) à la fois

simulation-team-size = l'équipe { $team } compte { $capacity } personne(s)

simulation-relocation-starts = début de la relocalisation vers { $site }

simulation-controlled-shutdown = arrêt maîtrisé avant l'épuisement des réserves de { $source } : redémarrage au retour du courant

simulation-zone-cut = zone { $zone } isolée du réseau

simulation-zone-connected = zone { $zone } reconnectée

simulation-teams-plan = les équipes replanifient avec ce qu'elles savent : { $steps } intervention(s) à mener

simulation-all-back = Tout est rétabli à { $at }.

simulation-not-all-back = Tout n'est pas rétabli quand la simulation s'arrête à { $end } ({ $why }) : { $list } ; leur arrêt dure au moins jusque-là.

simulation-horizon-warning = attention : la simulation s'est arrêtée à { $end } avec { $count } service(s) ou processus non rétabli(s) ; leur durée d'arrêt est un minimum (allongez l'`horizon` du scénario, ou voyez pourquoi les travaux ne peuvent pas démarrer)

simulation-monte-carlo-method = { $runs } tirages (graine { $seed }) : durées de restauration tirées dans la plage de chaque service (loi triangulaire autour de la durée prévue), propagation de l'attaque tirée à nouveau. Probabilités de dépassement avec leur intervalle de Wilson à 95 %.

simulation-monte-carlo-cut = { $cut } des { $runs } tirages s'arrêtent sans que tout soit rétabli (horizon du scénario, ou travaux qui ne peuvent pas démarrer) : les valeurs marquées ≥ sont des minimums.

simulation-head = { $stopped } processus s'arrêtent ; { $breaches } restent arrêtés au-delà de leur DMIA.
