# reprise, French: communs à plusieurs documents.
# One message per sentence; `{ $name }` is an argument the code gives.

render-strength = { $first }, puis { $capacity } après { $after }
