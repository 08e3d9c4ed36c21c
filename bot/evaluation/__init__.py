"""Measuring Signpost: held-out scores, peer classifiers, crisis matcher recall and false alarms."""
