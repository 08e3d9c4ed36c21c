"""Alembic environment: runs migrations on the engine the caller gives, or on the configured URL."""

from alembic import context

from bot.content.db import get_engine
from bot.content.models import Base

config = context.config
engine = config.attributes.get("engine") or get_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
