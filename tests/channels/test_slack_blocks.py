"""Markdown answers as Slack Block Kit."""

from bot.channels.slack_blocks import SECTION_LIMIT, message_blocks, mrkdwn, sections
from bot.content.bundle import read_bundle
from bot.content.render import crisis_text
from bot.replies import buttons


def test_markdown_becomes_slack_mrkdwn() -> None:
    assert mrkdwn("This sounds like **Local knowledge**.") == "This sounds like *Local knowledge*."
    assert mrkdwn("(source [NHS guide](https://example.org/a?b=1&c=2))") == (
        "(source <https://example.org/a?b=1&amp;c=2|NHS guide>)"
    )
    assert mrkdwn("- **999**: call\n1. first") == "• *999*: call\n1. first"


def test_text_that_looks_like_slack_markup_is_escaped() -> None:
    assert mrkdwn("<!channel> & <@U123>") == "&lt;!channel&gt; &amp; &lt;@U123&gt;"
    assert mrkdwn("[click](javascript:alert(1))") == "[click](javascript:alert(1))"


def test_each_paragraph_is_a_section_and_buttons_carry_their_payloads() -> None:
    blocks = message_blocks("First **one**.\n\nSecond", buttons("follow_up"))
    assert blocks[:2] == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "First *one*."}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "Second"}},
    ]
    actions = blocks[2]
    assert actions["type"] == "actions"
    assert [e["value"] for e in actions["elements"]][:2] == ["/ask_challenges", "/ask_examples"]
    assert actions["elements"][0]["text"] == {
        "type": "plain_text",
        "text": "Challenges to prepare for",
        "emoji": True,
    }
    assert len({e["action_id"] for e in actions["elements"]}) == 4


def test_more_than_25_buttons_fill_several_actions_blocks() -> None:
    many = [{"title": f"Area {n}", "payload": f"/a{n}"} for n in range(30)]
    blocks = message_blocks("Pick one", many)
    assert [len(b["elements"]) for b in blocks if b["type"] == "actions"] == [25, 5]
    assert blocks[2]["elements"][0]["action_id"] == "signpost-button-25"


def test_a_long_paragraph_is_cut_between_lines_and_nothing_is_lost() -> None:
    lines = [f"{n}. " + "x" * 200 for n in range(40)]
    text = "\n".join(lines)
    pieces = sections(text)
    assert len(pieces) > 1 and all(len(piece) <= SECTION_LIMIT for piece in pieces)
    assert "\n".join(pieces) == text
    assert sections("y" * 7000) == ["y" * 3000, "y" * 3000, "y" * 1000]


def test_the_crisis_answer_is_whole_in_one_message() -> None:
    text = crisis_text(read_bundle().crisis)
    blocks = message_blocks(text)
    shown = "\n\n".join(block["text"]["text"] for block in blocks)
    for route in read_bundle().crisis.routes:
        assert route.contact in shown
    assert shown == mrkdwn(text)
