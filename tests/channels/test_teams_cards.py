"""Answers as Adaptive Cards with messageBack buttons, and what a Teams activity says."""

from bot.channels.teams_cards import activity_text, card
from bot.replies import buttons


def test_text_becomes_blocks_with_each_list_kept_together() -> None:
    attachment = card("This sounds like **X**. Summary.\n\nThree things:\n1. a\n2. b\n3. c\nAfter")
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    body = attachment["content"]["body"]
    assert [block["text"] for block in body] == [
        "This sounds like **X**. Summary.",
        "Three things:",
        "1. a\n2. b\n3. c",
        "After",
    ]
    assert all(block["wrap"] for block in body)
    assert "actions" not in attachment["content"]


def test_buttons_are_message_back_submits_showing_the_title_and_sending_the_payload() -> None:
    [yes, no] = card("Was this helpful?", buttons("feedback"))["content"]["actions"]
    assert yes == {
        "type": "Action.Submit",
        "title": "Yes",
        "data": {
            "msteams": {"type": "messageBack", "displayText": "Yes", "text": "/feedback_helpful"},
            "payload": "/feedback_helpful",
        },
    }
    assert no["data"]["msteams"]["text"] == "/feedback_unhelpful"


def test_the_text_is_what_was_typed_without_mentions_or_a_clicked_payload() -> None:
    assert activity_text({"text": "<at>Signpost</at> low mood"}) == "low mood"
    assert activity_text({"text": "", "value": {"payload": "/ask_examples"}}) == "/ask_examples"
    assert activity_text({"text": 42, "value": "x"}) == ""
    assert activity_text({}) == ""
