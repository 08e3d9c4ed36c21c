"""The evaluation's arithmetic and its peers, on small cases worked out by hand."""

from pathlib import Path

import pytest

from bot.content.bundle import read_bundle
from bot.domain import area_slugs, load_domain
from bot.evaluation.metrics import Paired, Scores, paired, pooled
from bot.evaluation.model import Parsed, as_parsed
from bot.evaluation.peers import GuideKeywordPeer, TfidfLogisticPeer
from bot.evaluation.report import Report
from bot.evaluation.run import VariantResult, untaught


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
    assert (comparison.both_right, comparison.both_wrong) == (3, 1)
    # exact two-sided binomial: 2 * P(X <= 1), X ~ Bin(11, 1/2) = 2 * 12 / 2048
    assert comparison.p_value == pytest.approx(24 / 2048)
    assert paired(first, first).p_value == 1.0
    with pytest.raises(ValueError, match="same messages"):
        paired(first, Scores((*expected[:-1], "a"), first.predicted))


def test_the_margin_interval_matches_a_published_worked_example() -> None:
    # Fagerland, Lydersen and Laake, Statistical Analysis of Contingency Tables (2017), ch. 8:
    # the paired table [[59, 6], [16, 80]] gives -0.0621 (95% CI -0.1186 to -0.0046).
    low, high = Paired(
        both_right=59, only_first_right=6, only_second_right=16, both_wrong=80
    ).difference_interval()
    assert (low, high) == (pytest.approx(-0.1186, abs=5e-5), pytest.approx(-0.0046, abs=5e-5))


def test_the_margin_interval_straddles_zero_only_when_the_set_cannot_tell_the_two_apart() -> None:
    even = Paired(both_right=180, only_first_right=4, only_second_right=4, both_wrong=12)
    low, high = even.difference_interval()
    assert low < 0 < high and low == pytest.approx(-high)
    lopsided = Paired(both_right=180, only_first_right=15, only_second_right=1, both_wrong=4)
    assert lopsided.difference_interval()[0] > 0

    # a bigger set with the same proportions pins the margin down more tightly
    def width(p: Paired) -> float:
        low, high = p.difference_interval()
        return high - low

    assert width(Paired(1800, 40, 40, 120)) < width(even) / 3


def test_pooled_sets_score_as_one() -> None:
    together = pooled([Scores(("a", "b"), ("a", "a")), Scores(("b",), ("b",))])
    assert together == Scores(("a", "b", "b"), ("a", "a", "b"))
    assert together.accuracy == pytest.approx(2 / 3)
    assert together.misplaced == 1


def test_keyword_search_finds_each_area_from_its_own_summary() -> None:
    bundle = read_bundle()
    slugs = area_slugs(load_domain())
    peer = GuideKeywordPeer(bundle, slugs)
    predicted = peer.predict([area.summary for area in bundle.areas])
    assert [slugs[intent] for intent in predicted] == [area.slug for area in bundle.areas]


def test_the_tfidf_peer_learns_from_its_training_examples() -> None:
    examples = [("no idea where to refer", "lk")] * 3 + [
        ("the ICB wants a business case", "ev")
    ] * 3
    peer = TfidfLogisticPeer(examples)
    assert peer.predict(["where do I refer people", "business case for the ICB"]) == ["lk", "ev"]


def variant(scores: dict[str, Scores], checked: int = 0) -> VariantResult:
    """Our results, with the short crisis check shown on the first `checked` messages of each set."""
    parsed = {
        key: [
            Parsed(intent, 0.9, (), intent, crisis_check=n < checked)
            for n, intent in enumerate(s.predicted)
        ]
        for key, s in scores.items()
    }
    return VariantResult("ours", "ours", None, {}, scores, scores, parsed, Path("ours.tar.gz"))


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
    default = variant(ours, checked=1)
    summary = Report(tmp_path, default, [default], {"peer": peer}, blind={"D"}).summary()
    lines = summary.splitlines()
    assert lines[0].endswith("short crisis check shown first on 1/4")
    assert "  vs peer: 75.0%; our top choice is +25.0 points" in lines[1]
    assert "only ours right on 1, only the peer on 0, exact McNemar test p = 1" in lines[1]
    assert lines[4] == "All held-out sets together (A, D; 8 messages): our top choice misplaces 1"
    assert lines[5].startswith("  vs peer: misplaces 4; ours +37.5 points (95% interval ")
    assert lines[5].endswith(
        "only ours right on 3, only the peer on 0, exact McNemar test p = 0.25"
    )
    assert lines[6] == "The never-read sets together (D; 4 messages): our top choice misplaces 1"
    assert lines[7].startswith("  vs peer: misplaces 3; ours +50.0 points (95% interval ")


def test_the_summary_also_compares_on_the_messages_both_annotators_label_alike(
    tmp_path: Path,
) -> None:
    expected = ("a", "a", "b", "b")
    ours = {"D": Scores(expected, ("a", "b", "b", "b"))}
    peer = {"D": Scores(expected, ("b", "a", "b", "a"))}
    # the second annotator reads the second message as "b": only the other three are clear-cut
    agreement = {"D": Scores(expected, ("a", "b", "b", "b"))}
    default = variant(ours)
    report = Report(tmp_path, default, [default], {"peer": peer}, agreement=agreement)
    lines = report.summary().splitlines()
    assert lines[3] == "  where both annotators agree (3 messages): our top choice 100.0%"
    assert lines[4].startswith("    vs peer: 33.3%; ours +66.7 points (95% interval ")
    assert lines[4].endswith("only ours right on 2, only the peer on 0, exact McNemar test p = 0.5")


def test_after_the_short_crisis_check_a_parse_is_scored_on_the_answer_beneath_it() -> None:
    result = {
        "intent": {"name": "crisis", "confidence": 0.07},
        "intent_ranking": [
            {"name": "crisis", "confidence": 0.07},
            {"name": "nlu_fallback", "confidence": 0.6},
            {"name": "barrier_local_knowledge", "confidence": 0.4},
        ],
        "entities": [{"entity": "possible_risk", "value": "possible", "start": 0, "end": 3}],
    }
    parsed = as_parsed(result)
    assert parsed.crisis_check
    assert (parsed.intent, parsed.confidence) == ("nlu_fallback", 0.6)
    assert parsed.top_intent == "barrier_local_knowledge"


def test_a_full_crisis_reply_is_scored_as_crisis() -> None:
    crisis = {"name": "crisis", "confidence": 1.0}
    ranking = [crisis, {"name": "greet", "confidence": 0.2}]
    parsed = as_parsed({"intent": crisis, "intent_ranking": ranking, "entities": []})
    assert (parsed.intent, parsed.top_intent, parsed.crisis_check) == ("crisis", "crisis", False)


def test_the_crisis_summary_counts_the_full_reply_and_the_check_apart(tmp_path: Path) -> None:
    def outcome(missed: int, false_alarms: int) -> dict:
        return {
            "missed": ["m"] * missed,
            "false_alarms": ["f"] * false_alarms,
            "disclosures": 10,
            "lookalikes": 10,
        }

    default = variant({"A": Scores(("a",), ("a",))})
    report = Report(tmp_path, default, [default], {})
    report.crisis("new set", outcome(4, 1), outcome(2, 2), outcome(0, 5), blind=True)
    [line] = [x for x in report.summary().splitlines() if x.startswith("Crisis")]
    assert line == (
        "Crisis, new set: matcher alone caught 6/10 (60.0%), 1/10 false alarms; full reply "
        "8/10 (80.0%), 2 false alarms; with the short check 10/10 (100.0%), 5 look-alikes "
        "shown crisis help"
    )


def test_short_replies_are_scored_only_where_no_training_example_matches() -> None:
    new = "is there a version of this for wrists"
    assert untaught(["Yes!", "NO THANKS", new]) == [new]


def test_the_summary_counts_crisis_help_on_short_replies_as_false_alarms(tmp_path: Path) -> None:
    default = variant({"A": Scores(("a",), ("a",))})
    report = Report(tmp_path, default, [default], {})
    report.short_replies(95, 1, 3)
    assert report.summary().splitlines()[-1] == (
        "Short conversational replies, none a disclosure: the full crisis reply on 1/95, "
        "the short check on 3/95"
    )
