"""Safety net: deterministic crisis detection that never depends on the ML classifier."""

CRISIS_INTENT = "crisis"
# Marks a message whose crisis score passed the check threshold without the matcher firing: the
# crisis rule then shows the short check and the usual answer, not the full crisis reply alone.
POSSIBLE_RISK_ENTITY = "possible_risk"
