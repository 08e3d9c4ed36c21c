"""What a user sees from each custom action."""

import re
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.actions import (
    ActionAnswerAfterCrisisCheck,
    ActionDefaultAskAffirmation,
    ActionRecommendArea,
    ActionShowChallenges,
    ActionShowExamples,
    ActionShowMoreActions,
    ActionStoreFeedback,
)
from bot.content.bundle import read_bundle
from bot.content.db import get_engine, session_scope
from bot.content.models import Feedback
from tests.actions.conftest import make_tracker

BUNDLE = read_bundle()
AREAS = {area.slug: area for area in BUNDLE.areas}
FOLLOW_UPS = ["Challenges to prepare for", "Practical examples", "More actions", "A different area"]


def numbered_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"^\d+\. ", line)]


async def run(action, tracker, dispatcher: CollectingDispatcher, domain: dict[str, Any]) -> list:
    return await action.run(dispatcher, tracker, domain)


@pytest.mark.parametrize("slug", sorted(AREAS))
async def test_a_recommendation_names_the_area_and_its_first_three_actions(
    slug, content_db, dispatcher, domain
) -> None:
    events = await run(ActionRecommendArea(), make_tracker({"area": slug}), dispatcher, domain)
    answer, feedback = dispatcher.messages
    area = AREAS[slug]
    assert answer["text"].startswith(f"This sounds like **{area.title}**. {area.summary}")
    lines = numbered_lines(answer["text"])
    assert len(lines) == 3
    for line, action in zip(lines, area.suggested_actions, strict=False):
        assert action.text in line and "](https://" in line
    assert [b["title"] for b in answer["buttons"]] == FOLLOW_UPS
    assert [b["payload"] for b in feedback["buttons"]] == [
        "/feedback_helpful",
        "/feedback_unhelpful",
    ]
    assert {"event": "slot", "name": "actions_shown", "value": 3.0, "timestamp": None} in events


async def test_an_area_picked_from_a_button_is_named_without_a_guess(
    content_db, dispatcher, domain
) -> None:
    area = AREAS["evidence-and-business-case"]
    tracker = make_tracker(
        {"area": area.slug},
        text="/barrier_evidence_business_case",
        intent="barrier_evidence_business_case",
    )
    await run(ActionRecommendArea(), tracker, dispatcher, domain)
    assert dispatcher.messages[0]["text"].startswith(f"**{area.title}**. {area.summary}")


async def test_a_proposal_is_labelled_as_ours_never_as_a_source(
    content_db, dispatcher, domain
) -> None:
    area = next(
        a for a in BUNDLE.areas if any(x.provenance.value == "proposed" for x in a.challenges)
    )
    await run(ActionShowChallenges(), make_tracker({"area": area.slug}), dispatcher, domain)
    lines = numbered_lines(dispatcher.messages[0]["text"])
    for line, challenge in zip(lines, area.challenges, strict=True):
        label = {
            "stated": "(source ",
            "adapted": "(adapted from ",
            "proposed": "(our suggestion, based on ",
        }
        assert label[challenge.provenance.value] in line
        assert challenge.text in line and challenge.response in line


@pytest.mark.parametrize(
    ("text", "metadata"),
    [
        ("quick one: physios don't know where to refer", None),
        ("where do I refer", {"mode": "brief"}),
    ],
)
async def test_brief_mode_gives_the_area_and_three_actions_only(
    text, metadata, content_db, dispatcher, domain
) -> None:
    tracker = make_tracker({"area": "local-knowledge"}, text=text, metadata=metadata)
    await run(ActionRecommendArea(), tracker, dispatcher, domain)
    [message] = dispatcher.messages
    assert message["text"].splitlines()[0] == "**Local knowledge**"
    assert len(numbered_lines(message["text"])) == 3
    assert len(message["text"].splitlines()) == 4
    assert "http" not in message["text"] and not message["buttons"]


async def test_more_pages_through_the_actions_then_says_there_are_no_more(
    content_db, dispatcher, domain
) -> None:
    area = AREAS["skills-and-training"]
    shown, seen = 3, []
    while True:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(
            {"area": area.slug, "actions_shown": float(shown)}, intent="ask_more_actions"
        )
        events = await run(ActionShowMoreActions(), tracker, dispatcher, domain)
        lines = numbered_lines(dispatcher.messages[0]["text"])
        if not lines:
            break
        assert lines[0].startswith(f"{shown + 1}. ")
        seen += lines
        shown = int(events[0]["value"])
        offered = [b["title"] for b in dispatcher.messages[0]["buttons"]]
        assert ("More actions" in offered) == (shown < len(area.suggested_actions))
    assert len(seen) == len(area.suggested_actions) - 3
    assert "every suggested action" in dispatcher.messages[0]["text"]
    assert "More actions" not in [b["title"] for b in dispatcher.messages[0]["buttons"]]


@pytest.mark.parametrize("action", [ActionShowChallenges(), ActionShowExamples()])
async def test_more_actions_is_offered_only_while_some_are_unshown(
    action, content_db, domain
) -> None:
    area = AREAS["local-knowledge"]
    offered = {}
    for shown in (3, len(area.suggested_actions)):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker({"area": area.slug, "actions_shown": float(shown)})
        await run(action, tracker, dispatcher, domain)
        offered[shown] = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert offered[3] == FOLLOW_UPS
    assert offered[len(area.suggested_actions)] == [t for t in FOLLOW_UPS if t != "More actions"]


async def test_examples_from_the_users_setting_come_first(content_db, dispatcher, domain) -> None:
    area, wanted = next(
        (a, s)
        for a in BUNDLE.areas
        for e in a.examples[1:]
        for s in e.settings
        if s not in a.examples[0].settings
    )
    tracker = make_tracker({"area": area.slug, "user_settings": [wanted]}, intent="ask_examples")
    await run(ActionShowExamples(), tracker, dispatcher, domain)
    lines = numbered_lines(dispatcher.messages[0]["text"])
    assert len(lines) == len(area.examples)
    first = next(e for e in area.examples if wanted in e.settings)
    assert first.organisation in lines[0]


async def test_the_users_role_is_remembered_for_examples(content_db, dispatcher, domain) -> None:
    entities = [
        {"entity": "role", "value": "physios"},
        {"entity": "service", "value": "GP practice"},
    ]
    tracker = make_tracker({"area": "local-knowledge"}, entities=entities)
    events = await run(ActionRecommendArea(), tracker, dispatcher, domain)
    settings = next(e["value"] for e in events if e["name"] == "user_settings")
    assert settings == ["physiotherapy", "primary-care"]


@pytest.mark.parametrize(
    "action",
    [ActionRecommendArea(), ActionShowChallenges(), ActionShowExamples(), ActionShowMoreActions()],
)
async def test_follow_ups_without_an_area_ask_for_the_barrier(
    action, content_db, dispatcher, domain
) -> None:
    await run(action, make_tracker({}, intent="ask_examples"), dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_need_area"]


async def test_an_unreachable_content_store_gets_a_plain_apology(
    tmp_path, monkeypatch, dispatcher, domain
) -> None:
    monkeypatch.setenv(
        "SIGNPOST_CONTENT_DB_URL", f"sqlite:///{tmp_path / 'missing' / 'content.db'}"
    )
    await run(ActionRecommendArea(), make_tracker({"area": "local-knowledge"}), dispatcher, domain)
    [message] = dispatcher.messages
    assert "can't reach the guide's content" in message["text"]
    assert "116 123" in message["text"]


@pytest.mark.parametrize(
    ("intent", "helpful"), [("feedback_helpful", True), ("deny", False), ("affirm", True)]
)
async def test_feedback_stores_area_verdict_and_channel_but_no_words(
    intent, helpful, content_db, dispatcher, domain
) -> None:
    tracker = make_tracker(
        {"area": "coordination-and-access"}, text="my patient Jo Bloggs", intent=intent
    )
    await run(ActionStoreFeedback(), tracker, dispatcher, domain)
    with session_scope(get_engine(content_db)) as session:
        [row] = session.scalars(select(Feedback)).all()
        stored = [str(getattr(row, c.name)) for c in Feedback.__table__.columns]
    assert (row.area_slug, row.helpful, row.channel) == ("coordination-and-access", helpful, "rest")
    assert not any("Bloggs" in value for value in stored)


async def asked_when_unsure(ranking: list[tuple[str, float]], dispatcher, domain) -> dict:
    """The clarifying question for a message the model was unsure of."""
    names = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    tracker = make_tracker({}, intent="nlu_fallback", ranking=names)
    await run(ActionDefaultAskAffirmation(), tracker, dispatcher, domain)
    [message] = dispatcher.messages
    return message


async def test_when_unsure_the_likeliest_areas_are_offered_without_naming_one(
    content_db, dispatcher, domain
) -> None:
    ranking = [
        ("nlu_fallback", 0.5),
        ("barrier_skills_training", 0.4),
        ("thank", 0.3),
        ("barrier_local_knowledge", 0.35),
        ("barrier_coordination_access", 0.1),
    ]
    message = await asked_when_unsure(ranking, dispatcher, domain)
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Skills and training", "/barrier_skills_training"),
        ("Local knowledge", "/barrier_local_knowledge"),
        ("None of these", "/deny"),
    ]
    assert not any(title in message["text"] for title in ("Skills and training", "Local knowledge"))


async def test_when_unsure_between_other_meanings_those_are_offered_in_plain_words(
    content_db, dispatcher, domain
) -> None:
    ranking = [  # "thanks, that helped": thanks, or feedback?
        ("nlu_fallback", 0.45),
        ("thank", 0.49),
        ("feedback_helpful", 0.48),
        ("barrier_patient_expectations", 0.01),
    ]
    message = await asked_when_unsure(ranking, dispatcher, domain)
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Thanks", "/thank"),
        ("That helped", "/feedback_helpful"),
        ("None of these", "/deny"),
    ]
    assert "area" not in message["text"]


def checked(*ranking: tuple[str, float], entities: list[dict] | None = None) -> Any:
    """A tracker after the crisis guard put `crisis` in front of the model's own ranking."""
    names = [{"name": "crisis", "confidence": 0.07}] + [
        {"name": name, "confidence": confidence} for name, confidence in ranking
    ]
    possible = [{"entity": "possible_risk", "value": "possible", "start": 0, "end": 5}]
    return make_tracker(
        {},
        text="quick one: we feel hopeless about the business case",
        intent="crisis",
        ranking=names,
        entities=possible + (entities or []),
        metadata={"mode": "brief"},
        channel="slack",
    )


async def test_after_the_crisis_check_the_turn_is_restated_as_what_it_was_otherwise_about(
    dispatcher, domain
) -> None:
    role = {"entity": "role", "value": "physio", "start": 0, "end": 6}
    spacy_role = {**role, "confidence": None, "extractor": "SpacyEntityExtractor"}
    tracker = checked(
        ("barrier_evidence_business_case", 0.8), ("greet", 0.01), entities=[spacy_role]
    )

    events = await run(ActionAnswerAfterCrisisCheck(), tracker, dispatcher, domain)
    jsonschema.validate({"events": events}, RemoteAction.action_response_format_spec())
    listen, turn = events

    assert dispatcher.messages == []  # the rules answer the restated turn, not this action
    assert listen == {**listen, "event": "action", "name": "action_listen"}
    assert (turn["event"], turn["input_channel"]) == ("user", "slack")
    assert turn["text"] == "quick one: we feel hopeless about the business case"
    assert turn["parse_data"]["intent"] == {
        "name": "barrier_evidence_business_case",
        "confidence": 0.8,
    }
    assert [r["name"] for r in turn["parse_data"]["intent_ranking"]] == [
        "barrier_evidence_business_case",
        "greet",
    ]
    # no possible risk, so no second check; no empty fields, which Rasa would refuse
    assert turn["parse_data"]["entities"] == [{**role, "extractor": "SpacyEntityExtractor"}]
    assert turn["metadata"] == {"mode": "brief"}  # brief mode survives the check


async def test_after_the_crisis_check_an_unsure_turn_stays_unsure(dispatcher, domain) -> None:
    tracker = checked(("nlu_fallback", 0.6), ("barrier_local_knowledge", 0.3))
    _, turn = await run(ActionAnswerAfterCrisisCheck(), tracker, dispatcher, domain)
    assert turn["parse_data"]["intent"]["name"] == "nlu_fallback"


async def test_a_check_with_nothing_beneath_it_is_not_restated(dispatcher, domain) -> None:
    assert await run(ActionAnswerAfterCrisisCheck(), checked(), dispatcher, domain) == []
