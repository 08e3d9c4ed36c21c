"""`rasa run` never exposes Rasa's HTTP API without a token, wherever Signpost starts it."""

from pathlib import Path

from bot.servers import rasa_command

MODEL = Path("models/model.tar.gz")


def test_without_a_token_the_http_api_stays_off() -> None:
    for token in (None, ""):
        command = rasa_command(5005, MODEL, auth_token=token)
        assert "--enable-api" not in command and "--auth-token" not in command


def test_the_api_is_only_enabled_together_with_its_token() -> None:
    command = rasa_command(5005, MODEL, auth_token="s3cret")
    assert command[command.index("--enable-api") + 1 :][:2] == ["--auth-token", "s3cret"]


def test_composed_files_and_the_interface_are_passed_on() -> None:
    command = rasa_command(
        5005, MODEL, credentials=Path("var/c.yml"), endpoints=Path("var/e.yml"), interface="0.0.0.0"
    )
    assert command[command.index("--endpoints") + 1] == "var/e.yml"
    assert command[command.index("--credentials") + 1] == "var/c.yml"
    assert command[command.index("--interface") + 1] == "0.0.0.0"
