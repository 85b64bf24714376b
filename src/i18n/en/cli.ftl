# reprise, English: the command line's own messages.
# One message per sentence; `{ $name }` is an argument the code gives.

cli-exercise-summary = { $title }: { $objectives } objectives, { $roles } roles, { $injects } injects and { $contingencies } contingency injects, from { $from } to { $to } on scenario `{ $scenario }`.
