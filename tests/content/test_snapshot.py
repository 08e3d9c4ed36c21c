"""The in-memory content snapshot answers as the database does, and a changing load refreshes it."""

from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from bot.content import queries
from bot.content.db import session_scope
from bot.content.migrate import upgrade
from bot.content.snapshot import SnapshotCache
from tests.content.test_loader import edit, load

KINDS = ("action", "challenge", "example")


def current(cache: SnapshotCache, engine: Engine):
    with session_scope(engine) as session:
        return cache.current(session)


def test_the_snapshot_answers_exactly_as_the_queries_do(engine: Engine, content_dir: Path) -> None:
    load(engine, content_dir)
    content = current(SnapshotCache(), engine)
    with session_scope(engine) as session:
        for summary in queries.list_areas(session):
            slug = summary.slug
            assert content.area(slug) == queries.get_area(session, slug)
            for kind in KINDS:
                for offset, limit in ((0, 3), (3, 3), (0, 100), (99, 3), (-1, 2)):
                    assert content.page(slug, kind, offset, limit) == queries.get_items(
                        session, slug, kind, offset, limit
                    )
            for setting in ("gp", "physio", "community"):
                wanted = frozenset({setting})
                assert content.examples(slug, wanted) == queries.get_examples(session, slug, wanted)
    assert content.area("no-such-area") is None
    assert content.page("no-such-area", "action").items == ()


def test_an_edit_shows_on_the_next_read_and_an_unchanged_load_rereads_nothing(
    engine: Engine, content_dir: Path
) -> None:
    load(engine, content_dir)
    cache = SnapshotCache()
    first = current(cache, engine)
    load(engine, content_dir)  # the same files again: nothing changed
    assert current(cache, engine) is first

    def reword(data: dict) -> None:
        data["summary"] = "Knowing what help exists nearby, written again."

    edit(content_dir / "local-knowledge.yml", reword)
    load(engine, content_dir)
    second = current(cache, engine)
    assert second.version == first.version + 1
    assert (
        second.area("local-knowledge").summary == "Knowing what help exists nearby, written again."
    )
    assert first.area("local-knowledge").summary != second.area("local-knowledge").summary


def test_each_database_keeps_its_own_snapshot(
    engine: Engine, content_dir: Path, tmp_path: Path
) -> None:
    load(engine, content_dir)
    other = create_engine(f"sqlite:///{tmp_path / 'other.db'}", future=True)
    upgrade(other)
    edit(content_dir / "local-knowledge.yml", lambda data: data.update(summary="The other one."))
    load(other, content_dir)
    cache = SnapshotCache()
    assert current(cache, engine).area("local-knowledge").summary != "The other one."
    assert current(cache, other).area("local-knowledge").summary == "The other one."
    assert current(cache, engine).area("local-knowledge").summary != "The other one."
