"""The never-read crisis sets measure the crisis nets only while nothing has been taught from them."""

from bot.evaluation.data import labelled, lines
from bot.evaluation.run import BLIND_CRISIS_SETS
from bot.paths import DATA_DIR
from bot.safety.crisis import load_patterns


def test_the_never_read_crisis_sets_are_in_neither_the_training_data_nor_the_patterns() -> None:
    patterns = load_patterns()
    taught = {text.lower() for text, _ in labelled(DATA_DIR / "nlu")} | {
        example.lower()
        for entry in patterns.patterns + patterns.guarded_idioms
        for example in entry.examples
    }
    for folder in BLIND_CRISIS_SETS:
        messages = lines(folder / "crisis_disclosures.txt") + lines(
            folder / "crisis_lookalikes.txt"
        )
        assert len(messages) >= 2 * 100
        # A reply of a word or two ("no", "hi") is in any assistant's training data already.
        overlap = sum(message.lower() in taught for message in messages if len(message.split()) > 2)
        assert overlap == 0, f"{overlap} messages of {folder.name} are taught (not shown here)"
