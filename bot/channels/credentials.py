"""The credentials Rasa runs with: credentials.yml plus every optional channel that is set up.

Rasa refuses to start when a ${VAR} in its credentials file is unset, so each optional channel
(Slack, Microsoft Teams) keeps its block in a template, `channels/<name>.credentials.yml`, that
joins only when every variable it names is set. The composed file keeps the ${VAR} placeholders
as written: Rasa fills them in from its environment, so no secret is ever written to disk.
"""

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.paths import PROJECT_ROOT

BASE_CREDENTIALS = PROJECT_ROOT / "credentials.yml"
TEMPLATES_DIR = PROJECT_ROOT / "channels"
TEMPLATE_SUFFIX = ".credentials.yml"
TITLES = {"slack": "Slack", "teams": "Microsoft Teams"}
PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class OptionalChannel:
    """One template: the channel's name (its URL prefix under /webhooks/) and what it lacks."""

    name: str
    template: Path
    missing: tuple[str, ...]

    @property
    def on(self) -> bool:
        return not self.missing

    @property
    def title(self) -> str:
        return TITLES.get(self.name, self.name)

    def status(self) -> str:
        """One line for the person starting the server."""
        if self.on:
            return f"{self.title}: on (webhooks under /webhooks/{self.name}/)"
        return f"{self.title}: off (set {in_words(self.missing)} to turn it on)"


def in_words(names: tuple[str, ...]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def read_mapping(path: Path) -> dict[str, Any]:
    """A credentials file as plain strings, ${VAR}s as written (Rasa's loader expands them)."""
    found = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    if not isinstance(found, dict):
        raise ValueError(f"{path} must be a mapping of channel to settings.")
    return found


def placeholders(value: Any) -> Iterator[str]:
    """Every ${VAR} name in a parsed YAML value, in order."""
    if isinstance(value, dict):
        for item in value.values():
            yield from placeholders(item)
    elif isinstance(value, list):
        for item in value:
            yield from placeholders(item)
    elif isinstance(value, str):
        yield from PLACEHOLDER.findall(value)


def optional_channels(
    env: Mapping[str, str], templates_dir: Path = TEMPLATES_DIR
) -> list[OptionalChannel]:
    """Each template, with the variables it names that are unset or blank in `env`."""
    channels = []
    for template in sorted(templates_dir.glob(f"*{TEMPLATE_SUFFIX}")):
        variables = tuple(dict.fromkeys(placeholders(read_mapping(template))))
        missing = tuple(name for name in variables if not env.get(name, "").strip())
        channels.append(
            OptionalChannel(template.name.removesuffix(TEMPLATE_SUFFIX), template, missing)
        )
    return channels


def compose(
    path: Path,
    env: Mapping[str, str] = os.environ,
    base: Path = BASE_CREDENTIALS,
    templates_dir: Path = TEMPLATES_DIR,
) -> list[OptionalChannel]:
    """Write credentials.yml plus every template that is on to `path`; return every template."""
    channels = optional_channels(env, templates_dir)
    parts = [base]
    keys = set(read_mapping(base))
    for channel in channels:
        if not channel.on:
            continue
        channel_keys = set(read_mapping(channel.template))
        if keys & channel_keys:
            raise ValueError(f"{channel.template} configures {sorted(keys & channel_keys)} again.")
        keys |= channel_keys
        parts.append(channel.template)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join(part.read_text(encoding="utf-8").rstrip() + "\n" for part in parts),
        encoding="utf-8",
    )
    return channels
