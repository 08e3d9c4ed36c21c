"""Loading the content files: complete, repeatable, and all-or-nothing."""

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.content import queries
from bot.content.bundle import read_bundle
from bot.content.db import session_scope
from bot.content.loader import load_bundle
from bot.content.models import Area, Item, Source
from bot.content.schema import ContentError


def load(engine: Engine, folder: Path):
    with session_scope(engine) as session:
        return load_bundle(session, read_bundle(folder))


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def snapshot(engine: Engine) -> list[tuple]:
    with session_scope(engine) as session:
        return list(
            session.execute(select(Item.id, Item.kind, Item.key, Item.text).order_by(Item.id))
        )


def test_load_puts_every_file_item_in_the_database(engine: Engine, content_dir: Path) -> None:
    bundle = read_bundle(content_dir)
    load(engine, content_dir)
    with session_scope(engine) as session:
        assert [a.slug for a in queries.list_areas(session)] == [a.slug for a in bundle.areas]
        for spec in bundle.areas:
            actions = queries.get_items(session, spec.slug, "action", limit=100)
            assert [a.text for a in actions.items] == [a.text for a in spec.suggested_actions]
            examples = queries.get_items(session, spec.slug, "example", limit=100)
            assert [e.organisation for e in examples.items] == [
                e.organisation for e in spec.examples
            ]
        assert session.scalar(select(func.count()).select_from(Source)) == len(
            bundle.sources.sources
        )
        assert [r.contact for r in queries.crisis_routes(session)] == [
            r.contact for r in bundle.crisis.routes
        ]


def test_loading_twice_changes_nothing(engine: Engine, content_dir: Path) -> None:
    first = load(engine, content_dir)
    before = snapshot(engine)
    second = load(engine, content_dir)
    assert first.added > 0
    assert (second.added, second.updated, second.removed) == (0, 0, 0)
    assert snapshot(engine) == before


def test_an_edited_item_is_updated_in_place(engine: Engine, content_dir: Path) -> None:
    load(engine, content_dir)
    before = {(kind, key): item_id for item_id, kind, key, _ in snapshot(engine)}

    def reword(data: dict) -> None:
        data["suggested_actions"][0]["text"] = "Phone the local Mind today and ask what they offer."
        data["suggested_actions"][0]["sources"] = ["csp-innovation"]

    edit(content_dir / "local-knowledge.yml", reword)
    report = load(engine, content_dir)
    assert report.updated == 1 and report.added == report.removed == 0
    with session_scope(engine) as session:
        first = queries.get_items(session, "local-knowledge", "action", limit=1).items[0]
    assert first.text == "Phone the local Mind today and ask what they offer."
    assert [s.key for s in first.sources] == ["csp-innovation"]
    assert {(kind, key): item_id for item_id, kind, key, _ in snapshot(engine)} == before


def test_a_removed_item_and_a_removed_area_disappear(engine: Engine, content_dir: Path) -> None:
    load(engine, content_dir)
    removed_key = yaml.safe_load((content_dir / "skills-and-training.yml").read_text())[
        "challenges"
    ][-1]["id"]
    edit(content_dir / "skills-and-training.yml", lambda data: data["challenges"].pop())
    (content_dir / "evidence-and-business-case.yml").unlink()
    report = load(engine, content_dir)
    with session_scope(engine) as session:
        keys = [
            c.key
            for c in queries.get_items(session, "skills-and-training", "challenge", limit=100).items
        ]
        assert removed_key not in keys
        assert queries.get_area(session, "evidence-and-business-case") is None
        orphans = session.scalar(
            select(func.count()).select_from(Item).where(~Item.area_id.in_(select(Area.id)))
        )
    assert orphans == 0
    assert f"skills-and-training challenge {removed_key}" in " ".join(report.changes)


def test_a_broken_file_loads_nothing_and_says_why(engine: Engine, content_dir: Path) -> None:
    load(engine, content_dir)
    before = snapshot(engine)
    edit(
        content_dir / "local-knowledge.yml",
        lambda data: data["suggested_actions"][0].update(text="A new text"),
    )
    edit(
        content_dir / "patient-expectations.yml",
        lambda data: data["examples"][0].update(sources=[]),
    )
    with pytest.raises(ContentError) as error:
        load(engine, content_dir)
    assert "patient-expectations.yml" in str(error.value)
    assert "sources" in str(error.value)
    assert snapshot(engine) == before


def test_a_failure_mid_load_rolls_everything_back(engine: Engine, content_dir: Path) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        load_bundle(session, read_bundle(content_dir))
        raise RuntimeError("the process died half way")
    assert snapshot(engine) == []


def test_items_page_and_report_whether_more_remain(engine: Engine, content_dir: Path) -> None:
    load(engine, content_dir)
    with session_scope(engine) as session:
        first = queries.get_items(session, "local-knowledge", "action", offset=0, limit=3)
        rest = queries.get_items(session, "local-knowledge", "action", offset=3, limit=100)
        beyond = queries.get_items(
            session, "local-knowledge", "action", offset=first.total, limit=3
        )
    assert len(first.items) == 3 and first.has_more
    assert not rest.has_more and len(first.items) + len(rest.items) == first.total
    assert {i.key for i in first.items}.isdisjoint({i.key for i in rest.items})
    assert beyond.items == () and not beyond.has_more


def test_examples_from_the_users_setting_come_first(engine: Engine, content_dir: Path) -> None:
    load(engine, content_dir)
    with session_scope(engine) as session:
        for area in queries.list_areas(session):
            in_file_order = queries.get_examples(session, area.slug)
            for setting in {s for example in in_file_order for s in example.settings}:
                preferred = queries.get_examples(session, area.slug, frozenset({setting}))
                assert setting in preferred[0].settings, (area.slug, setting)
                assert sorted(e.key for e in preferred) == sorted(e.key for e in in_file_order)
