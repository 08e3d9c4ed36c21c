"""Reads and cross-checks the whole content folder as one bundle, before any database write."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.content.schema import AreaFile, ContentError, CrisisFile, SourcesFile, parse
from bot.paths import CONTENT_DIR

SOURCES_FILE = "sources.yml"
CRISIS_FILE = "crisis.yml"


@dataclass(frozen=True)
class ContentBundle:
    """Everything in data/content, validated as a whole."""

    sources: SourcesFile
    areas: tuple[AreaFile, ...]
    crisis: CrisisFile

    def stale(self, today: date) -> list[str]:
        """Files whose review date has passed: content nobody has vouched for lately."""
        notes = [
            f"{area.slug}.yml: review_by {area.review_by} has passed; review the content"
            for area in self.areas
            if area.review_by < today
        ]
        if self.crisis.review_by < today:
            notes.append(
                f"{CRISIS_FILE}: review_by {self.crisis.review_by} has passed; recheck every number"
            )
        return notes


def read_bundle(folder: Path = CONTENT_DIR) -> ContentBundle:
    """Parse every file, then check what no single file can: source keys, slugs, numbers."""
    problems: list[str] = []
    sources = _collect(problems, SourcesFile, folder / SOURCES_FILE)
    crisis = _collect(problems, CrisisFile, folder / CRISIS_FILE)
    area_paths = sorted(
        p for p in folder.glob("*.yml") if p.name not in {SOURCES_FILE, CRISIS_FILE}
    )
    areas = [area for path in area_paths if (area := _collect(problems, AreaFile, path))]
    if problems:
        raise ContentError(problems)
    for path, area in zip(area_paths, areas, strict=True):
        if path.stem != area.slug:
            problems.append(
                f"{path.name}: slug {area.slug!r} must match the file name {path.stem!r}"
            )
    problems += _duplicates("number", [a.number for a in areas]) + _duplicates(
        "title", [a.title for a in areas]
    )
    problems += _unknown_sources(sources, areas, crisis)
    if problems:
        raise ContentError(problems)
    return ContentBundle(
        sources=sources, areas=tuple(sorted(areas, key=lambda a: a.number)), crisis=crisis
    )


def _collect(problems: list[str], model: type, path: Path):
    """Parse one file, adding its problems to the list instead of stopping at the first file."""
    if not path.exists():
        problems.append(f"{path.name}: file is missing")
        return None
    try:
        return parse(model, path)
    except ContentError as error:
        problems.extend(error.problems)
        return None


def _duplicates(field: str, values: list) -> list[str]:
    seen: set = set()
    repeated = {value for value in values if value in seen or seen.add(value)}
    return [f"two area files share the {field} {value!r}" for value in sorted(repeated, key=str)]


def _unknown_sources(sources: SourcesFile, areas: list[AreaFile], crisis: CrisisFile) -> list[str]:
    known = set(sources.sources)
    problems = []
    for area in areas:
        cited = [("problem", area.problem), ("solution", area.solution)]
        cited += [(f"suggested_actions > {a.id}", a) for a in area.suggested_actions]
        cited += [(f"challenges > {c.id}", c) for c in area.challenges]
        cited += [(f"examples > {e.id}", e) for e in area.examples]
        problems += [
            f"{area.slug}.yml: {where} > sources: {key!r} is not in {SOURCES_FILE}"
            for where, item in cited
            for key in item.sources
            if key not in known
        ]
    problems += [
        f"{CRISIS_FILE}: routes > {route.id} > sources: {key!r} is not in {SOURCES_FILE}"
        for route in crisis.routes
        for key in route.sources
        if key not in known
    ]
    return problems
