
cli-exercise-summary = { $title }: { $objectives } objectives, { $roles } roles, { $injects } injects and { $contingencies } contingency injects, from { $from } to { $to } on scenario `{ $scenario }`.



