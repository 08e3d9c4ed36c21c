"""The domain's fixed replies agree with the content store: one source of truth."""

import yaml

from bot.content.bundle import read_bundle
from bot.crisis_domain import CRISIS_DOMAIN, render_crisis_domain
from bot.domain import DOMAIN_DIR
from bot.replies import meanings

BUNDLE = read_bundle()
DOMAIN = yaml.safe_load((DOMAIN_DIR / "assistant.yml").read_text())


def test_the_crisis_reply_is_generated_from_crisis_yml() -> None:
    assert CRISIS_DOMAIN.read_text() == render_crisis_domain(BUNDLE.crisis), (
        "domain/crisis.yml is stale: run `python -m bot content crisis-domain`"
    )


def test_the_crisis_reply_carries_every_route() -> None:
    text = yaml.safe_load(CRISIS_DOMAIN.read_text())["responses"]["utter_crisis"][0]["text"]
    for route in BUNDLE.crisis.routes:
        assert route.action in text
    assert BUNDLE.crisis.safeguarding in text


def test_the_crisis_check_carries_its_routes_and_a_button_to_the_full_reply() -> None:
    [check] = yaml.safe_load(CRISIS_DOMAIN.read_text())["responses"]["utter_crisis_check"]
    routes = {route.id: route for route in BUNDLE.crisis.routes}
    for route_id in BUNDLE.crisis.check.routes:
        assert routes[route_id].action in check["text"]
    assert BUNDLE.crisis.safeguarding in check["text"]
    assert check["buttons"] == [{"title": BUNDLE.crisis.check.button, "payload": "/crisis"}]


def test_the_area_menu_lists_the_six_areas_in_order_with_their_titles() -> None:
    buttons = DOMAIN["responses"]["utter_area_menu"][0]["buttons"]
    assert [b["title"] for b in buttons] == [f"{a.number}. {a.title}" for a in BUNDLE.areas]


def test_each_menu_button_sends_the_intent_that_fills_its_area() -> None:
    mappings = {m["intent"]: m["value"] for m in DOMAIN["slots"]["area"]["mappings"]}
    buttons = DOMAIN["responses"]["utter_area_menu"][0]["buttons"]
    slugs = [mappings[b["payload"].lstrip("/")] for b in buttons]
    assert slugs == [a.slug for a in BUNDLE.areas]
    assert all(intent.startswith("barrier_") for intent in mappings)


def test_every_meaning_a_clarifying_question_offers_is_an_intent_that_is_not_an_area() -> None:
    offered = set(meanings())
    assert offered <= set(DOMAIN["intents"]), "data/replies.yml names an unknown intent"
    assert not {name for name in offered if name.startswith("barrier_")}, (
        "areas are offered by their titles in the area menu, not in `meanings`"
    )
