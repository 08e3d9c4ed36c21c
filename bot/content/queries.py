"""Read and write operations the actions and the CLI use; they return plain, detached views."""

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.content.models import Area, CrisisRoute, Feedback, Item


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
    area = session.scalars(
        select(Area)
        .where(Area.slug == slug)
        .options(selectinload(Area.items).selectinload(Item.sources))
    ).first()
    if area is None:
        return None
    by_kind: dict[str, list[Item]] = {}
    for item in area.items:
        by_kind.setdefault(item.kind, []).append(item)
    return AreaView(
        slug=area.slug,
        number=area.number,
        title=area.title,
        summary=area.summary,
        problem=_item_view(by_kind["problem"][0]),
        solution=_item_view(by_kind["solution"][0]),
        action_count=len(by_kind.get("action", [])),
        challenge_count=len(by_kind.get("challenge", [])),
        example_count=len(by_kind.get("example", [])),
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
    examples = get_items(session, slug, "example", limit=1000).items
    return sorted(examples, key=lambda e: -len(settings.intersection(e.settings)))


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
