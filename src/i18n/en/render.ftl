render-strength = { $team_capacity }, then { $capacity } after { $after }
