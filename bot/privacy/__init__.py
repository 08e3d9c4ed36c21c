"""What Signpost keeps about conversations, and how long."""
