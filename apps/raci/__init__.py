"""Plain-Python RACI domain code: schemes and (later) the rule engine. No Django imports here."""
