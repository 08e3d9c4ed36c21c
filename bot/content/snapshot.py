"""The whole content in memory, read again only when a load has changed it.

Why: every custom action used to read its area and items from the database, three to six
queries a turn; the content is small and changes only when an editor runs `content load`. The
action server now reads one small row (the content version, bumped by every changing load) per
action and answers from memory, so an edit still shows on the next message.
"""

import threading
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.content import queries
from bot.content.queries import AreaView, ItemView, Page


@dataclass(frozen=True)
class ContentSnapshot:
    """Every area and its items by kind, as one database read saw them."""

    version: int
    areas: dict[str, AreaView]
    items: dict[str, dict[str, tuple[ItemView, ...]]]  # slug -> kind -> items in file order

    @classmethod
    def read(cls, session: Session, version: int) -> "ContentSnapshot":
        areas = queries.all_areas(session)
        return cls(
            version=version,
            areas={area.slug: area for area, _ in areas},
            items={area.slug: by_kind for area, by_kind in areas},
        )

    def area(self, slug: str) -> AreaView | None:
        return self.areas.get(slug)

    def page(self, slug: str, kind: str, offset: int = 0, limit: int = 3) -> Page:
        """A page of one kind of item, as `queries.get_items` would give it."""
        offset, limit = max(offset, 0), max(limit, 0)
        items = self.items.get(slug, {}).get(kind, ())
        return Page(items=items[offset : offset + limit], offset=offset, total=len(items))

    def examples(self, slug: str, settings: frozenset[str] = frozenset()) -> list[ItemView]:
        """An area's examples, those from the user's own settings first."""
        return queries.own_settings_first(self.items.get(slug, {}).get("example", ()), settings)


class SnapshotCache:
    """The latest snapshot of each database (engine) this process reads, checked by version."""

    def __init__(self) -> None:
        self._snapshots: WeakKeyDictionary[Engine, ContentSnapshot] = WeakKeyDictionary()
        # by engine, not URL: a PostgreSQL schema can be chosen in the connect arguments
        self._lock = threading.Lock()

    def current(self, session: Session) -> ContentSnapshot:
        """The snapshot for the session's database, read again if the version has moved.

        The version is read first, so a load committed in between can only make the next call
        read again, never leave newer content unread.
        """
        database = session.get_bind()
        version = queries.content_version(session)
        with self._lock:
            snapshot = self._snapshots.get(database)
            if snapshot is None or snapshot.version != version:
                snapshot = self._snapshots[database] = ContentSnapshot.read(session, version)
        return snapshot
