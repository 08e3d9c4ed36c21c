"""The content store: what the assistant says about each area, loaded from data/content."""
