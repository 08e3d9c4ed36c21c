"""The PostgreSQL database a scaled Signpost keeps conversations and content in.

Rasa creates its events table but not the database itself, so `make run-scale` creates the
database on first use.
"""

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

MAINTENANCE_DATABASE = "postgres"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it is missing.

    Any other kind of URL (SQLite) is left alone: its file is created on first use.
    """
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    admin = create_engine(
        target.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT", future=True
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if not exists:
                quoted = admin.dialect.identifier_preparer.quote(target.database)
                connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        admin.dispose()
