"""The crisis replies as static Rasa responses, generated from data/content/crisis.yml.

Static, so it needs neither the action server nor a database; generated, so the numbers have
one source of truth (a test fails if the two drift apart).
"""

from pathlib import Path

import yaml

from bot.content.render import crisis_check_text, crisis_text
from bot.content.schema import CrisisFile
from bot.domain import DOMAIN_DIR
from bot.safety import CRISIS_INTENT

CRISIS_DOMAIN = DOMAIN_DIR / "crisis.yml"
HEADER = (
    "# Generated from data/content/crisis.yml by `python -m bot content crisis-domain`.\n"
    "# Do not edit by hand: edit crisis.yml, then run that command.\n"
)


def crisis_domain(crisis: CrisisFile) -> dict:
    """The domain fragment holding `utter_crisis` and the shorter `utter_crisis_check`.

    The check's button sends the `crisis` intent itself, so the full reply is one tap away.
    """
    check = {
        "text": crisis_check_text(crisis),
        "buttons": [{"title": crisis.check.button, "payload": f"/{CRISIS_INTENT}"}],
    }
    return {
        "version": "3.1",
        "responses": {
            "utter_crisis": [{"text": crisis_text(crisis)}],
            "utter_crisis_check": [check],
        },
    }


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as literal blocks, so the generated file reads like the reply."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_text)


def render_crisis_domain(crisis: CrisisFile) -> str:
    body = yaml.dump(crisis_domain(crisis), Dumper=_BlockDumper, sort_keys=False, width=1000)
    return HEADER + body


def write_crisis_domain(crisis: CrisisFile, path: Path = CRISIS_DOMAIN) -> Path:
    path.parent.mkdir(exist_ok=True)
    path.write_text(render_crisis_domain(crisis), encoding="utf-8")
    return path
