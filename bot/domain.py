"""What the code reads from the Rasa domain (domain/), so that the domain stays the one place
where the six areas' intents, slugs and titles are said.

The action server is handed the domain by Rasa as a dict; everything else loads it here.
"""

from typing import Any

from bot.paths import PROJECT_ROOT

DOMAIN_DIR = PROJECT_ROOT / "domain"


def load_domain() -> dict[str, Any]:
    """The merged domain as Rasa sends it to the action server."""
    from rasa.shared.core.domain import Domain  # late: the action server never imports rasa

    return Domain.load(str(DOMAIN_DIR)).as_dict()


def area_slugs(domain: dict[str, Any]) -> dict[str, str]:
    """Barrier intent to area slug, from the `area` slot's mappings."""
    mappings = domain["slots"]["area"]["mappings"]
    return {m["intent"]: m["value"] for m in mappings if m.get("type") == "from_intent"}


def area_titles(domain: dict[str, Any]) -> dict[str, str]:
    """Barrier intent to area title, from the area menu's buttons."""
    buttons = domain["responses"]["utter_area_menu"][0]["buttons"]
    return {button["payload"].lstrip("/"): button["title"].split(". ", 1)[1] for button in buttons}
