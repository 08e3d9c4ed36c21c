"""Safety net: deterministic crisis detection that never depends on the ML classifier."""
