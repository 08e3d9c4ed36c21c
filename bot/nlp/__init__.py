"""Language processing: the spaCy pipeline, entity vocabulary and the crisis guard."""
