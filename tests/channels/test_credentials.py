"""Composing the credentials Rasa runs with: each optional channel on only when it is set up."""

from pathlib import Path

import pytest
import rasa.shared.utils.io

from bot.channels.credentials import BASE_CREDENTIALS, compose

SLACK = {"SIGNPOST_SLACK_BOT_TOKEN": "xoxb-secret", "SIGNPOST_SLACK_SIGNING_SECRET": "shh"}
TEAMS = {
    "SIGNPOST_TEAMS_APP_ID": "app",
    "SIGNPOST_TEAMS_APP_PASSWORD": "secret-password",
    "SIGNPOST_TEAMS_TENANT_ID": "tenant",
}


def statuses(path: Path, env: dict[str, str]) -> dict[str, str]:
    return {channel.name: channel.status() for channel in compose(path, env)}


def test_without_variables_only_the_base_channels_run_and_each_says_how_to_turn_it_on(
    tmp_path: Path,
) -> None:
    said = statuses(tmp_path / "credentials.yml", {})
    assert said == {
        "slack": "Slack: off (set SIGNPOST_SLACK_BOT_TOKEN and SIGNPOST_SLACK_SIGNING_SECRET "
        "to turn it on)",
        "teams": "Microsoft Teams: off (set SIGNPOST_TEAMS_APP_ID, SIGNPOST_TEAMS_APP_PASSWORD "
        "and SIGNPOST_TEAMS_TENANT_ID to turn it on)",
    }
    composed = (tmp_path / "credentials.yml").read_text()
    assert composed.strip() == BASE_CREDENTIALS.read_text().strip()


def test_a_channel_with_a_blank_or_missing_variable_stays_off_and_names_what_is_missing(
    tmp_path: Path,
) -> None:
    env = SLACK | {"SIGNPOST_SLACK_SIGNING_SECRET": "  "} | {"SIGNPOST_TEAMS_APP_ID": "app"}
    said = statuses(tmp_path / "credentials.yml", env)
    assert said["slack"] == "Slack: off (set SIGNPOST_SLACK_SIGNING_SECRET to turn it on)"
    assert "set SIGNPOST_TEAMS_APP_PASSWORD and SIGNPOST_TEAMS_TENANT_ID" in said["teams"]
    assert "slack" not in (tmp_path / "credentials.yml").read_text()


def test_channels_that_are_set_up_join_and_their_secrets_stay_off_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "var" / "credentials.yml"
    said = statuses(path, SLACK | TEAMS)
    assert said["slack"] == "Slack: on (webhooks under /webhooks/slack/)"
    assert said["teams"].startswith("Microsoft Teams: on")
    written = path.read_text()
    assert "${SIGNPOST_SLACK_BOT_TOKEN}" in written and "xoxb-secret" not in written
    for name, value in (SLACK | TEAMS).items():
        monkeypatch.setenv(name, value)
    read_by_rasa = rasa.shared.utils.io.read_config_file(path)
    assert read_by_rasa["bot.channels.slack.SignpostSlackInput"]["slack_token"] == "xoxb-secret"
    assert read_by_rasa["bot.channels.teams.TeamsInput"]["tenant_id"] == "tenant"
    assert "bot.channels.rest.CheckedRestInput" in read_by_rasa


def test_a_template_that_configures_a_base_channel_again_is_refused(tmp_path: Path) -> None:
    templates = tmp_path / "channels"
    templates.mkdir()
    (templates / "rest.credentials.yml").write_text(
        "bot.channels.rest.CheckedRestInput:\n  token: ${SIGNPOST_TEST_TOKEN}\n"
    )
    with pytest.raises(ValueError, match="again"):
        compose(tmp_path / "out.yml", {"SIGNPOST_TEST_TOKEN": "x"}, templates_dir=templates)
