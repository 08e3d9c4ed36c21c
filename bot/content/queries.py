"""Read and write operations the actions and the CLI use; they return plain, detached views."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import Select

from bot.content.models import Area, ContentVersion, CrisisRoute, Feedback, Item


@dataclass(frozen=True)
class SourceView:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class ItemView:
    kind: str
    key: str
    text: str
    provenance: str
    sources: tuple[SourceView, ...]
    response: str | None = None
    organisation: str | None = None
    place: str | None = None
    year: str | None = None
    outcome: str | None = None
    settings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaSummary:
    slug: str
    number: int
    title: str
    summary: str


@dataclass(frozen=True)
class AreaView(AreaSummary):
    problem: ItemView
    solution: ItemView
    action_count: int
    challenge_count: int
    example_count: int


@dataclass(frozen=True)
class Page:
    """One page of an area's items, and how many there are in all."""

    items: tuple[ItemView, ...]
    offset: int
    total: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class CrisisRouteView:
    key: str
    name: str
    contact: str
    action: str
    for_whom: str
    hours: str
    sources: tuple[SourceView, ...]


def _sources(row: Item | CrisisRoute) -> tuple[SourceView, ...]:
    return tuple(SourceView(s.key, s.title, s.url) for s in row.sources)


def _item_view(item: Item) -> ItemView:
    return ItemView(
        kind=item.kind,
        key=item.key,
        text=item.text,
        provenance=item.provenance,
        sources=_sources(item),
        response=item.response,
        organisation=item.organisation,
        place=item.place,
        year=item.year,
        outcome=item.outcome,
        settings=tuple(filter(None, (item.settings or "").split(","))),
    )


def list_areas(session: Session) -> list[AreaSummary]:
    """The six areas in the guide's order, for menus."""
    areas = session.scalars(select(Area).order_by(Area.number))
    return [AreaSummary(a.slug, a.number, a.title, a.summary) for a in areas]


def get_area(session: Session, slug: str) -> AreaView | None:
    """One area with its problem and solution, or None for an unknown slug."""
    area = session.scalars(_areas_with_items().where(Area.slug == slug)).first()
    return None if area is None else area_view(area, items_by_kind(area))


def all_areas(session: Session) -> list[tuple[AreaView, dict[str, tuple[ItemView, ...]]]]:
    """Every area with all its items by kind, in the guide's and the files' order."""
    result = []
    for area in session.scalars(_areas_with_items().order_by(Area.number)):
        by_kind = items_by_kind(area)
        result.append((area_view(area, by_kind), by_kind))
    return result


def _areas_with_items() -> Select:
    return select(Area).options(selectinload(Area.items).selectinload(Item.sources))


def items_by_kind(area: Area) -> dict[str, tuple[ItemView, ...]]:
    by_kind: dict[str, list[ItemView]] = {}
    for item in area.items:
        by_kind.setdefault(item.kind, []).append(_item_view(item))
    return {kind: tuple(items) for kind, items in by_kind.items()}


def area_view(area: Area, by_kind: dict[str, tuple[ItemView, ...]]) -> AreaView:
    return AreaView(
        slug=area.slug,
        number=area.number,
        title=area.title,
        summary=area.summary,
        problem=by_kind["problem"][0],
        solution=by_kind["solution"][0],
        action_count=len(by_kind.get("action", ())),
        challenge_count=len(by_kind.get("challenge", ())),
        example_count=len(by_kind.get("example", ())),
    )


def get_items(session: Session, slug: str, kind: str, offset: int = 0, limit: int = 3) -> Page:
    """A page of one kind of item (action, challenge, example) in the order the file gives."""
    offset, limit = max(offset, 0), max(limit, 0)
    in_area = select(Item).join(Area).where(Area.slug == slug, Item.kind == kind)
    total = session.scalar(select(func.count()).select_from(in_area.subquery()))
    rows = session.scalars(
        in_area.order_by(Item.position)
        .offset(offset)
        .limit(limit)
        .options(selectinload(Item.sources))
    )
    return Page(items=tuple(_item_view(row) for row in rows), offset=offset, total=total or 0)


def get_examples(
    session: Session, slug: str, settings: frozenset[str] = frozenset()
) -> list[ItemView]:
    """An area's examples, those from the user's own settings first."""
    return own_settings_first(get_items(session, slug, "example", limit=1000).items, settings)


def own_settings_first(examples: Sequence[ItemView], settings: frozenset[str]) -> list[ItemView]:
    """Examples from more of the user's settings first; otherwise in the file's order."""
    return sorted(examples, key=lambda e: -len(settings.intersection(e.settings)))


def content_version(session: Session) -> int:
    """Bumped by every load that changes the content; 0 before the first load."""
    return session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1)) or 0


def crisis_routes(session: Session) -> list[CrisisRouteView]:
    """Crisis routes, most urgent first."""
    routes = session.scalars(
        select(CrisisRoute)
        .order_by(CrisisRoute.position)
        .options(selectinload(CrisisRoute.sources))
    )
    return [
        CrisisRouteView(r.key, r.name, r.contact, r.action, r.for_whom, r.hours, _sources(r))
        for r in routes
    ]


def record_feedback(session: Session, area_slug: str | None, helpful: bool, channel: str) -> None:
    """Store whether an answer helped: area, verdict, channel and time, never the message."""
    session.add(
        Feedback(
            area_slug=area_slug,
            helpful=helpful,
            channel=channel[:40],
            created_at=datetime.now(timezone.utc),
        )
    )
