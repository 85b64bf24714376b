# reprise, French: le plan de reprise, ses fiches et ses hypothèses.
# One message per sentence; `{ $name }` is an argument the code gives.

recovery-summary = { $services } services à reprendre ; tout est rétabli à { $makespan } (au mieux { $lower_bound } avec des équipes illimitées). { $on_time } des { $stopped } processus arrêtés reprennent dans leur DMIA ; { $late } sont en retard.

recovery-failback-failover = { $name } ({ $id }) : une fois le primaire réparé à { $home } (restauration { $restore }, reconstruction { $rebuild }), le resynchroniser depuis { $standby } et rebasculer ({ $switch } ; { $teams })

recovery-failback-relocated = { $name } ({ $id }) : une fois { $home } reconstruit, sauvegarder le service à { $there }, le restaurer à { $home } ({ $restore } ; { $teams }), puis libérer ses { $size } unités à { $there }

recovery-shutdown-restart = { $id } (redémarrage { $clean } au lieu de { $crash })

recovery-shutdown = { $at } : { $name } ({ $id }) épuise ses réserves à { $drained } ; arrêter proprement, en { $lead } : { $stops }

recovery-site-stands-in = { $site } remplace { $home } : { $used } unités sur { $capacity } occupées par { $moved } services relocalisés ; { $waiting } services qui y seraient revenus plus tôt sont repris sur leur site faute de place.

recovery-why-sooner = retour attendu à { $there } sur place contre { $in_place } sur le site d'origine (équipes illimitées)

recovery-why-no-room = { $site } est plein (sa capacité va à des services plus critiques) : il y serait revenu à { $there }

recovery-manual-switch = manuelle, sur décision de la cellule de crise (prévue { $decision } après la perte)

recovery-assumptions-scenario = Situation : scénario « { $scenario } » ; ce qu'il touche est restauré, ce qui en dépend revient avec.

recovery-assumptions-teams = Effectifs disponibles par équipe : { $teams }.

recovery-assumptions-order = Ordre calculé par un algorithme génétique sur { $schedules } ordonnancements (graine { $seed }) : d'abord le moins de processus au-delà de leur DMIA (pondérés par criticité), puis le moindre retard pondéré, puis la durée totale la plus courte.

recovery-attack-line = Cyberattaque : entrée par { $entry } à { $at }, { $pace }, { $ends ->
        [encryption] chiffrement
       *[detection] détection
    } à T+{ $ended } ; investigation de { $investigation } : rien de ce que l'attaquant détenait n'est reconstruit avant T+{ $cleared }, et une copie plus récente que la compromission n'est restaurée qu'une fois vérifiée saine.

recovery-attack-pace = environ { $pace } par machine

recovery-event-outage-for = panne de { $services } pendant { $lasts }
recovery-event-outage = panne de { $services }
recovery-event-destroy = destruction de { $services }
recovery-event-staff = équipe { $team } : { $capacity } personne(s){ $lasts }
recovery-event-power = coupure du secteur sur { $services } pendant { $lasts }
recovery-event-isolate = isolement de { $zones }{ $lasts }
