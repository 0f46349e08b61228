"""Migration scripts, oldest first: each keeps every row of the schema before it."""
