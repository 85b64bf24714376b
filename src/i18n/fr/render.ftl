render-strength = { $team_capacity }, puis { $capacity } après { $after }
