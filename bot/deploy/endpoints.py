"""The endpoints Rasa runs with: endpoints.yml plus every store template that is set up.

endpoints.yml keeps the single-machine defaults (SQLite conversations, in-memory locks). Each
template in stores/ replaces one of its blocks when every variable it names is set, as the
optional channels join credentials.yml (bot/channels/credentials.py). With conversation logs
off (bot/deploy/profile.py), conversations stay in memory instead. The ${VAR} placeholders are
written as they are: Rasa fills them in from its environment, so no password reaches the disk.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from bot.channels.credentials import placeholders, read_mapping
from bot.deploy.profile import conversation_logs_kept
from bot.paths import PROJECT_ROOT

BASE_ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
TEMPLATES_DIR = PROJECT_ROOT / "stores"
TEMPLATE_SUFFIX = ".endpoints.yml"
MEMORY_TRACKER_STORE = {"type": "bot.privacy.tracker_stores.MemoryTrackerStore"}
HEADER = "# Composed by bot/deploy/endpoints.py from endpoints.yml and stores/; do not edit.\n"


def compose_endpoints(
    path: Path,
    env: Mapping[str, str] = os.environ,
    base: Path = BASE_ENDPOINTS,
    templates_dir: Path = TEMPLATES_DIR,
) -> list[str]:
    """Write the endpoints to `path`; return the names of the store templates that joined."""
    endpoints = read_mapping(base)
    replaced: set[str] = set()
    joined = []
    for template in sorted(templates_dir.glob(f"*{TEMPLATE_SUFFIX}")):
        blocks = read_mapping(template)
        if not all(env.get(name, "").strip() for name in placeholders(blocks)):
            continue
        if replaced & set(blocks):
            raise ValueError(f"{template} configures {sorted(replaced & set(blocks))} again.")
        replaced |= set(blocks)
        endpoints |= blocks
        joined.append(template.name.removesuffix(TEMPLATE_SUFFIX))
    if not conversation_logs_kept(env):
        endpoints["tracker_store"] = MEMORY_TRACKER_STORE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return joined
