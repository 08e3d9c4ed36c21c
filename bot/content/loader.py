"""Loads a validated content bundle into the database in one transaction.

Loading is idempotent: rows are matched on stable keys (area slug, item kind and id, source
key, route id), updated in place, and anything no longer in the files is deleted.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content.bundle import ContentBundle
from bot.content.models import Area, ContentVersion, CrisisRoute, Item, Source
from bot.content.schema import AreaFile


@dataclass
class LoadReport:
    """What a load changed, so an editor can see that an edit took effect."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    changes: list[str] = field(default_factory=list)

    def note(self, verb: str, what: str) -> None:
        self.changes.append(f"{verb} {what}")
        setattr(self, verb, getattr(self, verb) + 1)


def load_bundle(session: Session, bundle: ContentBundle) -> LoadReport:
    """Bring the database in line with the bundle; the caller's transaction makes it atomic."""
    report = LoadReport()
    sources = _sync_sources(session, bundle, report)
    existing_areas = {area.slug: area for area in session.scalars(select(Area))}
    for spec in bundle.areas:
        area = existing_areas.pop(spec.slug, None)
        if area is None:
            area = Area(slug=spec.slug, **_area_fields(spec))
            session.add(area)
            report.note("added", f"area {spec.slug}")
        elif _assign(area, _area_fields(spec)):
            report.note("updated", f"area {spec.slug}")
        _sync_items(area, spec, sources, report)
    for slug, area in existing_areas.items():
        session.delete(area)
        report.note("removed", f"area {slug}")
    _sync_crisis(session, bundle, sources, report)
    if report.changes:
        _bump_version(session)
    session.flush()
    return report


def _bump_version(session: Session) -> None:
    """Tell servers that keep the content in memory to read it again (see bot/content/snapshot.py)."""
    row = session.get(ContentVersion, 1)
    if row is None:
        session.add(ContentVersion(id=1, version=1))
    else:
        row.version += 1


def _sync_sources(session: Session, bundle: ContentBundle, report: LoadReport) -> dict[str, Source]:
    existing = {source.key: source for source in session.scalars(select(Source))}
    current: dict[str, Source] = {}
    for key, entry in bundle.sources.sources.items():
        source = existing.pop(key, None)
        values = {"title": entry.title, "url": str(entry.url)}
        if source is None:
            source = Source(key=key, **values)
            session.add(source)
            report.note("added", f"source {key}")
        elif _assign(source, values):
            report.note("updated", f"source {key}")
        current[key] = source
    for key, source in existing.items():
        session.delete(source)
        report.note("removed", f"source {key}")
    return current


def _area_fields(spec: AreaFile) -> dict:
    return {
        "number": spec.number,
        "title": spec.title,
        "summary": spec.summary,
        "owner": spec.owner,
        "reviewed": spec.reviewed,
        "review_by": spec.review_by,
    }


def _item_specs(spec: AreaFile) -> list[tuple[str, str, dict, list[str]]]:
    """Every item of an area as (kind, key, column values, source keys), in display order."""
    specs = [
        (
            "problem",
            "problem",
            {"text": spec.problem.text, "provenance": spec.problem.provenance.value},
            spec.problem.sources,
        ),
        (
            "solution",
            "solution",
            {"text": spec.solution.text, "provenance": spec.solution.provenance.value},
            spec.solution.sources,
        ),
    ]
    specs += [
        ("action", a.id, {"text": a.text, "provenance": a.provenance.value}, a.sources)
        for a in spec.suggested_actions
    ]
    specs += [
        (
            "challenge",
            c.id,
            {"text": c.text, "response": c.response, "provenance": c.provenance.value},
            c.sources,
        )
        for c in spec.challenges
    ]
    specs += [
        (
            "example",
            e.id,
            {
                "text": e.what_they_did,
                "outcome": e.what_happened,
                "organisation": e.organisation,
                "place": e.place,
                "year": e.year,
                "settings": ",".join(e.settings),
                "provenance": e.provenance.value,
            },
            e.sources,
        )
        for e in spec.examples
    ]
    return specs


ITEM_COLUMNS = (
    "text",
    "response",
    "outcome",
    "organisation",
    "place",
    "year",
    "settings",
    "provenance",
)


def _sync_items(area: Area, spec: AreaFile, sources: dict[str, Source], report: LoadReport) -> None:
    existing = {(item.kind, item.key): item for item in area.items}
    for position, (kind, key, values, source_keys) in enumerate(_item_specs(spec)):
        values = {column: values.get(column) for column in ITEM_COLUMNS} | {"position": position}
        item_sources = [sources[k] for k in source_keys]
        item = existing.pop((kind, key), None)
        label = f"{spec.slug} {kind} {key}"
        if item is None:
            area.items.append(Item(kind=kind, key=key, sources=item_sources, **values))
            report.note("added", label)
        elif _assign(item, values) | _assign_sources(item, item_sources):
            report.note("updated", label)
    for (kind, key), item in existing.items():
        area.items.remove(item)
        report.note("removed", f"{spec.slug} {kind} {key}")


def _sync_crisis(
    session: Session, bundle: ContentBundle, sources: dict[str, Source], report: LoadReport
) -> None:
    existing = {route.key: route for route in session.scalars(select(CrisisRoute))}
    for position, spec in enumerate(bundle.crisis.routes):
        values = {
            "position": position,
            "name": spec.name,
            "contact": spec.contact,
            "action": spec.action,
            "for_whom": spec.for_whom,
            "hours": spec.hours,
            "last_checked": bundle.crisis.last_checked,
        }
        route_sources = [sources[k] for k in spec.sources]
        route = existing.pop(spec.id, None)
        if route is None:
            session.add(CrisisRoute(key=spec.id, sources=route_sources, **values))
            report.note("added", f"crisis route {spec.id}")
        elif _assign(route, values) | _assign_sources(route, route_sources):
            report.note("updated", f"crisis route {spec.id}")
    for key, route in existing.items():
        session.delete(route)
        report.note("removed", f"crisis route {key}")


def _assign(row: object, values: dict) -> bool:
    """Set changed attributes only; report whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _assign_sources(row: Item | CrisisRoute, wanted: list[Source]) -> bool:
    if {s.key for s in row.sources} == {s.key for s in wanted}:
        return False
    row.sources = wanted
    return True
