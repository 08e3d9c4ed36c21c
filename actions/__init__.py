"""Rasa SDK custom actions for Signpost."""
