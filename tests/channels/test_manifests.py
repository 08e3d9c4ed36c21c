"""The Slack and Teams app manifests point at the routes the channels really serve."""

import json
import re
from urllib.parse import urlsplit

import yaml

from bot.paths import PROJECT_ROOT

CHANNELS = PROJECT_ROOT / "channels"


def test_the_slack_manifest_sends_events_clicks_and_the_command_to_our_routes() -> None:
    manifest = yaml.safe_load((CHANNELS / "slack-manifest.yml").read_text())
    settings = manifest["settings"]
    paths = {
        urlsplit(settings["event_subscriptions"]["request_url"]).path,
        urlsplit(settings["interactivity"]["request_url"]).path,
    }
    assert paths == {"/webhooks/slack/webhook"}
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/signpost"
    assert urlsplit(command["url"]).path == "/webhooks/slack/commands"
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.im", "message.channels"} <= events
    assert {"chat:write", "commands", "app_mentions:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


def test_the_teams_manifest_names_the_bot_and_its_icons() -> None:
    text = (CHANNELS / "teams" / "manifest.json").read_text()
    manifest = json.loads(text)
    assert manifest["bots"][0]["botId"] == "${SIGNPOST_TEAMS_APP_ID}"
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert len(manifest["description"]["short"]) <= 80
    placeholders = set(re.findall(r"\$\{(\w+)\}", text))
    readme = (CHANNELS / "teams" / "README.md").read_text()
    assert all(name in readme for name in placeholders)
