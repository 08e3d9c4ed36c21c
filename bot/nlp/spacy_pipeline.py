"""Builds the project's spaCy pipeline without downloading a model.

A blank English pipeline with a lookup lemmatizer (tables from spacy-lookups-data, saved into
the folder) and an entity ruler from data/nlp/entities.yml. Rasa's SpacyNLP loads the folder.
"""

from pathlib import Path

import spacy

from bot.nlp.entities import ENTITIES_FILE, ruler_patterns
from bot.paths import PROJECT_ROOT

PIPELINE_DIR = PROJECT_ROOT / "build" / "spacy" / "en_signpost"


def build(out_dir: Path = PIPELINE_DIR, entities_file: Path = ENTITIES_FILE) -> Path:
    """Write the pipeline folder; initialise before adding patterns, or the patterns are lost."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()
    ruler.add_patterns(ruler_patterns(entities_file))
    nlp.meta["name"] = "signpost"
    nlp.meta["description"] = "Blank English, lookup lemmas and Signpost's entity ruler."
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return out_dir
