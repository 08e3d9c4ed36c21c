"""Tables of the content store.

Areas own their items (problem, solution, actions, challenges, examples); items and crisis
routes cite sources. Feedback keeps only an area slug, so it outlives edits to the content.
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

ITEM_KINDS = ("problem", "solution", "action", "challenge", "example")

item_sources = Table(
    "item_sources",
    Base.metadata,
    Column("item_id", ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
)

crisis_route_sources = Table(
    "crisis_route_sources",
    Base.metadata,
    Column("route_id", ForeignKey("crisis_routes.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
)


class Source(Base):
    __tablename__ = "sources"

    id = Column(Integer, primary_key=True)
    key = Column(String(80), unique=True, nullable=False)
    title = Column(Text, nullable=False)
    url = Column(Text, nullable=False)


class Area(Base):
    __tablename__ = "areas"

    id = Column(Integer, primary_key=True)
    slug = Column(String(80), unique=True, nullable=False)
    number = Column(Integer, unique=True, nullable=False)
    title = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False)
    owner = Column(String(120), nullable=False)
    reviewed = Column(Date, nullable=False)
    review_by = Column(Date, nullable=False)

    items = relationship(
        "Item",
        back_populates="area",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Item.position",
    )


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("area_id", "kind", "key"),)

    id = Column(Integer, primary_key=True)
    area_id = Column(ForeignKey("areas.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(20), nullable=False)
    key = Column(String(80), nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    response = Column(Text)
    organisation = Column(Text)
    place = Column(Text)
    year = Column(String(20))
    outcome = Column(Text)
    settings = Column(Text)
    provenance = Column(String(20), nullable=False)

    area = relationship("Area", back_populates="items")
    sources = relationship("Source", secondary=item_sources, order_by="Source.key")


class CrisisRoute(Base):
    __tablename__ = "crisis_routes"

    id = Column(Integer, primary_key=True)
    key = Column(String(80), unique=True, nullable=False)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    contact = Column(String(40), nullable=False)
    action = Column(Text, nullable=False)
    for_whom = Column(Text, nullable=False)
    hours = Column(Text, nullable=False)
    last_checked = Column(Date, nullable=False)

    sources = relationship("Source", secondary=crisis_route_sources, order_by="Source.key")


class Feedback(Base):
    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    area_slug = Column(String(80), index=True)
    helpful = Column(Boolean, nullable=False)
    channel = Column(String(40), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)


class ContentVersion(Base):
    """One row, bumped by every load that changes the content: a server that keeps the content
    in memory (the action server) reads this small row to know when to read the content again."""

    __tablename__ = "content_version"

    id = Column(Integer, primary_key=True)
    version = Column(Integer, nullable=False)
