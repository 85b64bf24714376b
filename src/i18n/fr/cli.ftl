# reprise, French: messages propres à la ligne de commande.
# One message per sentence; `{ $name }` is an argument the code gives.

cli-exercise-summary = { $title } : { $objectives } objectifs, { $roles } rôles, { $injects } stimuli et { $contingencies } stimuli de relance, de { $from } à { $to } sur le scénario « { $scenario } ».
