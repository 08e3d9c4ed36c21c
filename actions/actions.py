"""Custom actions: thin wrappers that fetch from bot.content and fill the domain's responses.

Every database call runs in a worker thread, so one slow query never stalls the action server.
Answers come from an in-memory snapshot of the content, checked against the content version
on every action (bot/content/snapshot.py), so a `content load` shows on the next message.
"""

import asyncio
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import ACTION_LISTEN_NAME
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.content import queries
from bot.content.db import session_scope
from bot.content.queries import AreaView, ItemView
from bot.content.render import numbered
from bot.content.snapshot import ContentSnapshot, SnapshotCache
from bot.domain import area_titles
from bot.nlp.entities import settings_for
from bot.replies import buttons, meanings, reply
from bot.safety import CRISIS_INTENT, POSSIBLE_RISK_ENTITY

T = TypeVar("T")
FIRST_ACTIONS = 3
MORE_ACTIONS = 3
BRIEF_PREFIX = re.compile(r"^\W*quick\s*(one|q|question)\b", re.IGNORECASE)
CONTENT = SnapshotCache()


async def fetch(query: Callable[[Session], T]) -> T:
    """Run a query in its own session on a worker thread."""

    def in_session() -> T:
        with session_scope() as session:
            return query(session)

    return await asyncio.to_thread(in_session)


def wants_brief(tracker: Tracker) -> bool:
    """Quick-signpost mode: "quick one: ..." or message metadata {"mode": "brief"}."""
    message = tracker.latest_message or {}
    metadata = message.get("metadata") or {}
    return (isinstance(metadata, dict) and metadata.get("mode") == "brief") or bool(
        BRIEF_PREFIX.match(message.get("text") or "")
    )


def picked_from_a_button(tracker: Tracker) -> bool:
    """Whether the user chose the area themselves (a button sends its "/intent" payload, and
    Rasa's two-stage fallback keeps the payload of the button that confirmed a guess)."""
    return (tracker.latest_message.get("text") or "").startswith("/")


def actions_shown(tracker: Tracker) -> int:
    """How many of the area's suggested actions this conversation has already shown."""
    return int(tracker.get_slot("actions_shown") or 0)


def follow_up_buttons(area: AreaView, shown: int) -> list[dict[str, str]]:
    """What the user can ask next; "More actions" only while some are still unshown."""
    offered = buttons("follow_up")
    if shown >= area.action_count:
        offered = [b for b in offered if b["payload"] != "/ask_more_actions"]
    return offered


def mentioned_settings(tracker: Tracker) -> list[str]:
    """Settings the user's own words point to (their role, service or setting)."""
    words = [entity.get("value", "") for entity in tracker.latest_message.get("entities", [])]
    return sorted(settings_for([w for w in words if isinstance(w, str)]))


class ContentAction(Action, ABC):
    """Answers from the content store about the area in the `area` slot.

    Subclasses say which items to fetch and how to reply; this class handles the missing
    area, the unknown area and the unreachable database the same way for all of them.
    """

    @abstractmethod
    def items(self, content: ContentSnapshot, slug: str, tracker: Tracker) -> Sequence[ItemView]:
        """The items this action shows."""

    @abstractmethod
    def reply(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        area: AreaView,
        items: Sequence[ItemView],
    ) -> list[EventType]:
        """Send the answer; return the events to apply."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        slug = tracker.get_slot("area")
        if not slug:
            dispatcher.utter_message(response="utter_need_area")
            return []
        try:
            content = await fetch(CONTENT.current)
        except SQLAlchemyError:
            dispatcher.utter_message(text=reply("content_unavailable"))
            return []
        area = content.area(slug)
        if area is None:
            dispatcher.utter_message(response="utter_need_area")
            return []
        return self.reply(dispatcher, tracker, area, self.items(content, slug, tracker))


class ActionRecommendArea(ContentAction):
    """Names the area, its one-line summary and its first three actions."""

    def name(self) -> str:
        return "action_recommend_area"

    def items(self, content: ContentSnapshot, slug: str, tracker: Tracker) -> Sequence[ItemView]:
        return content.page(slug, "action", 0, FIRST_ACTIONS).items

    def reply(self, dispatcher, tracker, area, items) -> list[EventType]:
        if wants_brief(tracker):
            brief = reply(
                "area_brief", area_title=area.title, items=numbered(items, with_sources=False)
            )
            dispatcher.utter_message(text=brief)
        else:
            text = reply(
                "area_chosen" if picked_from_a_button(tracker) else "area_intro",
                area_title=area.title,
                area_summary=area.summary,
                items=numbered(items),
            )
            dispatcher.utter_message(text=text, buttons=follow_up_buttons(area, len(items)))
            dispatcher.utter_message(text=reply("ask_feedback"), buttons=buttons("feedback"))
        return [
            SlotSet("actions_shown", float(len(items))),
            SlotSet("user_settings", mentioned_settings(tracker)),
        ]


class ActionShowMoreActions(ContentAction):
    """The next page of suggested actions for the area in context."""

    def name(self) -> str:
        return "action_show_more_actions"

    def items(self, content: ContentSnapshot, slug: str, tracker: Tracker) -> Sequence[ItemView]:
        return content.page(slug, "action", actions_shown(tracker), MORE_ACTIONS).items

    def reply(self, dispatcher, tracker, area, items) -> list[EventType]:
        shown = actions_shown(tracker)
        if items:
            text = reply(
                "more_actions", area_title=area.title, items=numbered(items, start=shown + 1)
            )
        else:
            text = reply("no_more_actions", area_title=area.title)
        now_shown = shown + len(items)
        dispatcher.utter_message(text=text, buttons=follow_up_buttons(area, now_shown))
        return [SlotSet("actions_shown", float(now_shown))]


class ActionShowChallenges(ContentAction):
    """Challenges to prepare for in the area in context, each with a way to handle it."""

    def name(self) -> str:
        return "action_show_challenges"

    def items(self, content: ContentSnapshot, slug: str, tracker: Tracker) -> Sequence[ItemView]:
        return content.page(slug, "challenge", limit=100).items

    def reply(self, dispatcher, tracker, area, items) -> list[EventType]:
        text = reply("challenges", area_title=area.title, items=numbered(items))
        dispatcher.utter_message(text=text, buttons=follow_up_buttons(area, actions_shown(tracker)))
        return []


class ActionShowExamples(ContentAction):
    """Practical examples for the area in context, those from the user's own setting first."""

    def name(self) -> str:
        return "action_show_examples"

    def items(self, content: ContentSnapshot, slug: str, tracker: Tracker) -> Sequence[ItemView]:
        return content.examples(slug, frozenset(tracker.get_slot("user_settings") or []))

    def reply(self, dispatcher, tracker, area, items) -> list[EventType]:
        text = reply("examples", area_title=area.title, items=numbered(items))
        dispatcher.utter_message(text=text, buttons=follow_up_buttons(area, actions_shown(tracker)))
        return []


class ActionAnswerAfterCrisisCheck(Action):
    """After the short crisis check, gives the message back to the rules as what it was
    otherwise about, so it gets its usual answer (an area, the likeliest areas, a clinical or
    out-of-scope reply, examples...) from the same rules and slot mappings as any message.

    The crisis guard put `crisis` first in the ranking and kept the model's own ranking after
    it. The user's turn is restated with that intent, as Rasa's two-stage fallback restates a
    clarified one: an `action_listen`, then the turn again without the possible risk.
    """

    def name(self) -> str:
        return "action_answer_after_crisis_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message
        ranking = [r for r in message.get("intent_ranking", []) if r.get("name") != CRISIS_INTENT]
        if not ranking:
            return []
        entities = [  # Rasa refuses an entity with an empty field (spaCy's have no confidence)
            {key: value for key, value in e.items() if value is not None}
            for e in message.get("entities", [])
            if e.get("entity") != POSSIBLE_RISK_ENTITY
        ]
        parse_data = {
            **message,
            "intent": ranking[0],
            "intent_ranking": ranking,
            "entities": entities,
        }
        restated = UserUttered(
            message.get("text"), parse_data, input_channel=tracker.get_latest_input_channel()
        )
        return [
            ActionExecuted(ACTION_LISTEN_NAME),
            {**restated, "metadata": message.get("metadata")},
        ]


class ActionStoreFeedback(Action):
    """Stores whether the answer helped: area, verdict, channel and time, never the message."""

    def name(self) -> str:
        return "action_store_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        helpful = tracker.get_intent_of_latest_message() in {"feedback_helpful", "affirm"}
        channel = tracker.get_latest_input_channel() or "unknown"
        with suppress(SQLAlchemyError):  # feedback is a nicety; the rule still replies
            await fetch(
                lambda s: queries.record_feedback(s, tracker.get_slot("area"), helpful, channel)
            )
        return []


class ActionDefaultAskAffirmation(Action):
    """When unsure, offers the two likeliest meanings as buttons, without answering either.

    Usually those are areas ("which area fits best?"). When the likeliest meaning is not a
    barrier, as with "thanks, that helped" (thanks, or feedback?), the two likeliest meanings of
    any kind are offered in the words of data/replies.yml, never areas the model barely chose.
    """

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        titles = area_titles(domain)
        offerable = {**meanings(), **titles}
        ranking = [
            r["name"]
            for r in tracker.latest_message.get("intent_ranking", [])
            if r.get("name") in offerable
        ]
        about_areas = not ranking or ranking[0] in titles
        candidates = [name for name in ranking if name in titles] if about_areas else ranking
        options = [{"title": offerable[name], "payload": f"/{name}"} for name in candidates[:2]]
        text = reply("ask_affirmation" if about_areas else "ask_what_was_meant")
        dispatcher.utter_message(text=text, buttons=options + buttons("none_of_these"))
        return []
