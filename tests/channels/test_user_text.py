"""What every channel hands to Rasa from a user's message."""

from bot.channels.untrusted import MAX_TEXT_CHARS, user_text


def test_hidden_characters_are_dropped_and_controls_become_spaces() -> None:
    assert user_text("k\u200bill my\u00adself\x00now\ud800") == "kill myself now"
    assert user_text("\u202egnp.exe\ufeff") == "gnp.exe"


def test_visible_text_is_kept_as_it_was_typed() -> None:
    typed = "Our physios don’t know where to refer 🙂 — “quick one”: café?"
    assert user_text(typed) == typed


def test_very_long_text_keeps_its_start_and_end() -> None:
    text = user_text("start " + "x" * 50_000 + " end")
    assert len(text) <= MAX_TEXT_CHARS + 3
    assert text.startswith("start ") and text.endswith(" end")
