"""Which Slack requests Signpost answers, as whom, and where the answer goes."""

from typing import Any

from bot.channels.recent import RecentKeys
from bot.channels.slack_events import (
    SlackMessage,
    click_message,
    command_message,
    event_message,
)

HOOKS = "https://hooks.slack.com/"


def callback(**event: Any) -> dict[str, Any]:
    base = {"user": "U1", "channel": "C1", "ts": "100.1", "text": "hello"}
    return {"authorizations": [{"user_id": "UBOT"}], "event": base | event}


def test_a_mention_starts_a_thread_conversation_without_the_mention_in_its_text() -> None:
    found = event_message(callback(type="app_mention", text="<@UBOT> low mood &amp; pain"), set())
    assert found == SlackMessage("U1", "C1", "100.1", "low mood & pain")
    assert found.sender_id == "U1:C1:100.1"


def test_channel_messages_are_answered_only_in_followed_threads() -> None:
    plain = callback(type="message", channel_type="channel")
    assert event_message(plain, set()) is None
    in_thread = callback(type="message", channel_type="channel", thread_ts="99.9")
    assert event_message(in_thread, set()) is None
    assert event_message(in_thread, {("C1", "99.9")}) == SlackMessage("U1", "C1", "99.9", "hello")


def test_a_direct_message_is_answered_in_place_and_in_its_thread_if_it_has_one() -> None:
    direct = callback(type="message", channel_type="im", channel="D1")
    assert event_message(direct, set()) == SlackMessage("U1", "D1", None, "hello")
    threaded = callback(type="message", channel_type="im", channel="D1", thread_ts="5.5")
    assert event_message(threaded, set()).thread_ts == "5.5"


def test_bots_edits_and_odd_events_are_ignored() -> None:
    ignored = [
        callback(type="message", channel_type="im", bot_id="B1"),
        callback(type="message", channel_type="im", subtype="message_changed"),
        callback(type="app_mention", text=""),
        callback(type="app_mention", user={"id": "U1"}),
        callback(type="reaction_added"),
        {"event": "not an object"},
        {},
    ]
    assert all(event_message(body, set()) is None for body in ignored)


def click(**extra: Any) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U1"},
        "channel": {"id": "C1"},
        "message": {"ts": "101.1", "thread_ts": "100.1"},
        "container": {"type": "message", "is_ephemeral": False},
        "actions": [{"type": "button", "value": "/ask_examples"}],
        "response_url": f"{HOOKS}actions/1",
    } | extra


def test_a_click_says_the_buttons_payload_in_the_buttons_thread() -> None:
    assert click_message(click(), HOOKS) == SlackMessage("U1", "C1", "100.1", "/ask_examples")


def test_a_click_on_a_private_answer_is_answered_privately() -> None:
    private = click(container={"is_ephemeral": True}, message=None)
    assert click_message(private, HOOKS) == SlackMessage(
        "U1", "C1", None, "/ask_examples", response_url=f"{HOOKS}actions/1"
    )
    elsewhere = click(container={"is_ephemeral": True}, response_url="https://evil.example/")
    assert click_message(elsewhere, HOOKS) is None


def test_clicks_that_are_not_buttons_or_lack_a_value_are_ignored() -> None:
    assert click_message(click(actions=[{"type": "datepicker"}]), HOOKS) is None
    assert click_message(click(actions=[]), HOOKS) is None
    assert click_message(click(actions=["x"]), HOOKS) is None
    assert click_message(click(type="view_submission"), HOOKS) is None


def test_the_slash_command_is_brief_private_and_only_answers_to_slack() -> None:
    fields = {"user_id": "U1", "channel_id": "C1", "text": " x ", "response_url": f"{HOOKS}c/1"}
    found = command_message(fields, HOOKS)
    assert found == SlackMessage("U1", "C1", None, "x", brief=True, response_url=f"{HOOKS}c/1")
    assert found.sender_id == "U1:C1"
    assert (
        command_message(fields | {"response_url": "https://hooks.slack.com.evil/"}, HOOKS) is None
    )
    assert command_message({"text": "x", "response_url": f"{HOOKS}c/1"}, HOOKS) is None


def test_recent_keys_forget_after_their_time_and_beyond_their_limit() -> None:
    now = [0.0]
    recent = RecentKeys(ttl=10, limit=2, clock=lambda: now[0])
    recent.add("a")
    recent.add("b")
    assert "a" in recent and "b" in recent
    recent.add("c")
    assert "a" not in recent and "c" in recent
    now[0] = 10.5
    assert "b" not in recent and "c" not in recent
