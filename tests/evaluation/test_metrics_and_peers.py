"""The evaluation's arithmetic and its peers, on small cases worked out by hand."""

import pytest

from bot.content.bundle import read_bundle
from bot.evaluation.metrics import Scores
from bot.evaluation.peers import AREA_INTENTS, GuideKeywordPeer, TfidfLogisticPeer


def test_precision_recall_and_f1_match_a_hand_count() -> None:
    scores = Scores(("a", "a", "a", "b", "b"), ("a", "a", "b", "b", "nlu_fallback"))
    by_label = {s.label: s for s in scores.per_label()}
    assert by_label["a"].precision == 1.0 and by_label["a"].recall == pytest.approx(2 / 3)
    assert by_label["b"].precision == 0.5 and by_label["b"].recall == 0.5
    assert by_label["b"].f1 == pytest.approx(0.5)
    assert scores.accuracy == pytest.approx(3 / 5)
    columns, counts = scores.confusion()
    assert columns == ["a", "b", "nlu_fallback"]
    assert counts == [[2, 1, 0], [0, 1, 1]]


def test_keyword_search_finds_each_area_from_its_own_summary() -> None:
    bundle = read_bundle()
    peer = GuideKeywordPeer(bundle)
    predicted = peer.predict([area.summary for area in bundle.areas])
    assert predicted == [AREA_INTENTS[area.slug] for area in bundle.areas]


def test_the_tfidf_peer_learns_from_its_training_examples() -> None:
    examples = [("no idea where to refer", "lk")] * 3 + [
        ("the ICB wants a business case", "ev")
    ] * 3
    peer = TfidfLogisticPeer(examples)
    assert peer.predict(["where do I refer people", "business case for the ICB"]) == ["lk", "ev"]
