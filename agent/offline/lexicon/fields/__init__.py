"""One module per field (health, transport, retail...), each with an `ENTRIES` list."""
