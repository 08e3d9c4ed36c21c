"""The real content files: faithful to the brief, complete, and honest about provenance."""

import re
from datetime import date

import pytest

from bot.content.bundle import read_bundle
from bot.paths import PROJECT_ROOT

GUIDE_AREAS = {
    1: "Local knowledge",
    2: "Skills and training",
    3: "Environment and processes",
    4: "Patient expectations and understanding",
    5: "Coordination, access and collaboration",
    6: "Evidence base and business case",
}
BRIEF = PROJECT_ROOT.parent / "shared" / "guide" / "guide-facts.md"
BUNDLE = read_bundle()


def test_the_six_areas_have_the_guides_exact_titles_and_order() -> None:
    assert {area.number: area.title for area in BUNDLE.areas} == GUIDE_AREAS


@pytest.mark.parametrize("area", BUNDLE.areas, ids=lambda a: a.slug)
def test_each_area_has_its_minimum_content(area) -> None:
    assert len(area.suggested_actions) >= 6
    assert len(area.challenges) >= 4
    assert len(area.examples) >= 2
    assert area.summary.count(". ") == 0, "the summary is one sentence"
    assert area.review_by > date.today(), "content is past its review date"


@pytest.mark.parametrize("area", BUNDLE.areas, ids=lambda a: a.slug)
def test_every_item_cites_a_known_source_with_a_valid_provenance(area) -> None:
    items = [area.problem, area.solution, *area.suggested_actions, *area.challenges, *area.examples]
    for item in items:
        assert item.sources, item
        assert item.provenance.value in {"stated", "adapted", "proposed"}
        assert set(item.sources) <= set(BUNDLE.sources.sources)


def test_no_item_presents_itself_as_the_guides_own_words() -> None:
    for area in BUNDLE.areas:
        for item in [area.problem, area.solution, *area.suggested_actions, *area.challenges]:
            assert not re.search(
                r"\bthe guide (says|states|recommends)\b", item.text, re.IGNORECASE
            ), item.text


@pytest.mark.skipif(
    not BRIEF.exists(), reason="the team's brief (shared/guide) is not beside this checkout"
)
def test_every_source_url_comes_from_the_brief() -> None:
    brief = BRIEF.read_text(encoding="utf-8")
    missing = [
        str(entry.url) for entry in BUNDLE.sources.sources.values() if str(entry.url) not in brief
    ]
    assert missing == []


def test_crisis_numbers_are_exactly_right() -> None:
    routes = {route.id: route for route in BUNDLE.crisis.routes}
    assert BUNDLE.crisis.routes[0].id == "emergency"
    expected = {
        "emergency": ("999", "999"),
        "nhs-111": ("111", "option 2"),
        "samaritans": ("116 123", "116 123"),
        "shout": ("85258", "SHOUT to 85258"),
        "mind-infoline": ("0300 123 3393", "0300 123 3393"),
    }
    assert set(routes) == set(expected)
    for key, (contact, wording) in expected.items():
        assert routes[key].contact == contact
        assert wording in routes[key].action
    assert (
        BUNDLE.crisis.safeguarding
        == "If a patient is at risk, follow your local safeguarding procedure."
    )


def test_content_files_are_named_after_their_slugs() -> None:
    files = {path.stem for path in (PROJECT_ROOT / "data" / "content").glob("*.yml")}
    assert {area.slug for area in BUNDLE.areas} | {"sources", "crisis"} == files
