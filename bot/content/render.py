"""Turns content views into the Markdown the assistant sends (bold, numbered lists, links only).

Every line says where it comes from, and a proposal is always labelled as ours.
"""

from collections.abc import Sequence

from bot.content.queries import ItemView
from bot.content.schema import CrisisFile

CITATION_LABELS = {
    "stated": "source",
    "adapted": "adapted from",
    "proposed": "our suggestion, based on",
}


def citation(item: ItemView) -> str:
    """`(adapted from [Title](url))`: provenance first, so a proposal never reads as a finding."""
    links = ", ".join(f"[{source.title}]({source.url})" for source in item.sources)
    return f"({CITATION_LABELS[item.provenance]} {links})"


def item_line(item: ItemView, with_sources: bool = True) -> str:
    """One action, challenge or example as a single Markdown line."""
    if item.kind == "challenge":
        line = f"**{item.text}** {item.response}"
    elif item.kind == "example":
        line = f"**{item.organisation}, {item.place} ({item.year})**: {item.text} {item.outcome}"
    else:
        line = item.text
    return f"{line} {citation(item)}" if with_sources else line


def numbered(items: Sequence[ItemView], start: int = 1, with_sources: bool = True) -> str:
    """A numbered Markdown list that carries on from `start` when paging."""
    return "\n".join(
        f"{number}. {item_line(item, with_sources)}" for number, item in enumerate(items, start)
    )


def crisis_text(crisis: CrisisFile) -> str:
    """The crisis reply, built from crisis.yml alone so it can live as a static domain response."""
    routes = "\n".join(
        f"- **{route.name}** ({route.hours}): {route.action} {route.for_whom}"
        for route in crisis.routes
    )
    return f"{crisis.heading}\n\n{routes}\n\n**{crisis.safeguarding}**\n\n{crisis.closing}"


def crisis_check_text(crisis: CrisisFile) -> str:
    """The short check: the chosen routes in brief, then the safeguarding line."""
    by_id = {route.id: route for route in crisis.routes}
    routes = "\n".join(
        f"- **{by_id[route_id].name}**: {by_id[route_id].action}"
        for route_id in crisis.check.routes
    )
    return f"{crisis.check.heading}\n\n{routes}\n\n**{crisis.safeguarding}**"
