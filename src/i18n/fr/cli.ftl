
cli-exercise-summary = { $title } : { $objectives } objectifs, { $roles } rôles, { $injects } stimuli et { $contingencies } stimuli de relance, de { $from } à { $to } sur le scénario « { $scenario } ».



