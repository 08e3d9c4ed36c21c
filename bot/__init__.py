"""Signpost: signposts care-improvement barriers to the six areas of the Q Lab and Mind guide."""
