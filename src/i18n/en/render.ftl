# reprise, English: shared by several documents.
# One message per sentence; `{ $name }` is an argument the code gives.

render-strength = { $first }, then { $capacity } after { $after }
