"""The evaluation's arithmetic and its peers, on small cases worked out by hand."""

from pathlib import Path

import pytest

from bot.content.bundle import read_bundle
from bot.evaluation.metrics import Scores, paired, pooled
from bot.evaluation.peers import AREA_INTENTS, GuideKeywordPeer, TfidfLogisticPeer
from bot.evaluation.report import Report
from bot.evaluation.run import VariantResult


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


def test_a_paired_comparison_counts_only_the_messages_where_one_is_right() -> None:
    expected = ("a",) * 12 + ("b",) * 3
    first = Scores(expected, ("a",) * 12 + ("b", "a", "a"))
    # the second misses 10 of the a's the first gets, and gets one b the first misses
    second = Scores(expected, ("b",) * 10 + ("a",) * 2 + ("b", "b", "a"))
    comparison = paired(first, second)
    assert (comparison.only_first_right, comparison.only_second_right) == (10, 1)
    # exact two-sided binomial: 2 * P(X <= 1), X ~ Bin(11, 1/2) = 2 * 12 / 2048
    assert comparison.p_value == pytest.approx(24 / 2048)
    assert paired(first, first).p_value == 1.0
    with pytest.raises(ValueError, match="same messages"):
        paired(first, Scores((*expected[:-1], "a"), first.predicted))


def test_pooled_sets_score_as_one() -> None:
    together = pooled([Scores(("a", "b"), ("a", "a")), Scores(("b",), ("b",))])
    assert together == Scores(("a", "b", "b"), ("a", "a", "b"))
    assert together.accuracy == pytest.approx(2 / 3)
    assert together.misplaced == 1


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


def test_the_summary_compares_each_set_and_the_never_read_sets_together(tmp_path: Path) -> None:
    expected = ("a", "a", "b", "b")
    ours = {
        "A": Scores(expected, ("a", "a", "b", "b")),
        "D": Scores(expected, ("a", "a", "b", "a")),
    }
    peer = {
        "A": Scores(expected, ("a", "b", "b", "b")),
        "D": Scores(expected, ("b", "b", "b", "a")),
    }
    default = VariantResult("ours", "ours", None, {}, ours, ours, {})
    summary = Report(tmp_path, default, [default], {"peer": peer}, blind={"D"}).summary()
    lines = summary.splitlines()
    assert "  vs peer: 75.0%; our top choice is +25.0 points" in lines[1]
    assert "only ours right on 1, only the peer on 0, exact McNemar test p = 1" in lines[1]
    assert lines[4] == "All held-out sets together (A, D; 8 messages): our top choice misplaces 1"
    assert lines[5].startswith("  vs peer: misplaces 4; only ours right on 3, only the peer on 0")
    assert lines[6] == "The never-read sets together (D; 4 messages): our top choice misplaces 1"
    assert lines[7].startswith("  vs peer: misplaces 3; only ours right on 2, only the peer on 0")


def test_the_summary_also_compares_on_the_messages_both_annotators_label_alike(
    tmp_path: Path,
) -> None:
    expected = ("a", "a", "b", "b")
    ours = {"D": Scores(expected, ("a", "b", "b", "b"))}
    peer = {"D": Scores(expected, ("b", "a", "b", "a"))}
    # the second annotator reads the second message as "b": only the other three are clear-cut
    agreement = {"D": Scores(expected, ("a", "b", "b", "b"))}
    default = VariantResult("ours", "ours", None, {}, ours, ours, {})
    report = Report(tmp_path, default, [default], {"peer": peer}, agreement=agreement)
    lines = report.summary().splitlines()
    assert lines[3] == "  where both annotators agree (3 messages): our top choice 100.0%"
    assert lines[4].startswith("    vs peer: 33.3%; only ours right on 2, only the peer on 0")
