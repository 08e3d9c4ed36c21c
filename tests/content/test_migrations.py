"""Schema changes go through Alembic, and stored feedback survives upgrades."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.content.db import session_scope
from bot.content.migrate import upgrade
from bot.content.models import Base, Feedback
from bot.content.queries import record_feedback


def test_the_migrations_build_exactly_the_models_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_feedback_survives_running_the_migrations_again(engine: Engine) -> None:
    with session_scope(engine) as session:
        record_feedback(session, "local-knowledge", True, "rest")
        record_feedback(session, None, False, "socketio")
    upgrade(engine)
    with session_scope(engine) as session:
        rows = session.execute(
            select(Feedback.area_slug, Feedback.helpful, Feedback.channel).order_by(Feedback.id)
        ).all()
        assert session.scalar(select(func.count()).select_from(Feedback)) == 2
    assert [tuple(r) for r in rows] == [
        ("local-knowledge", True, "rest"),
        (None, False, "socketio"),
    ]
