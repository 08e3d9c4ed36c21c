"""The shape of the YAML content files, checked before anything reaches the database.

Errors name the file, the item and the field, so an editor can find and fix them.
"""

from datetime import date
from enum import Enum
from pathlib import Path

import yaml
from pydantic import BaseModel, Extra, HttpUrl, ValidationError, conint, conlist, constr, validator

Slug = constr(regex=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
Text = constr(strip_whitespace=True, min_length=1)
SETTINGS = (
    "primary-care",
    "msk",
    "physiotherapy",
    "pain-service",
    "hospital",
    "mental-health-service",
    "talking-therapies",
    "voluntary-sector",
    "community",
    "commissioning",
    "wales",
)


class Provenance(str, Enum):
    """Where a statement comes from; `proposed` must never be shown as a source's finding."""

    stated = "stated"
    adapted = "adapted"
    proposed = "proposed"


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class Sourced(Strict):
    text: Text
    provenance: Provenance
    sources: conlist(Slug, min_items=1)


class Action(Sourced):
    id: Slug


class Challenge(Sourced):
    id: Slug
    response: Text


class Example(Strict):
    id: Slug
    organisation: Text
    place: Text
    year: constr(regex=r"^(19|20)\d\d(\s?(-|to|–)\s?(19|20)\d\d)?$")
    what_they_did: Text
    what_happened: Text
    settings: list[str] = []
    provenance: Provenance
    sources: conlist(Slug, min_items=1)

    @validator("settings", each_item=True)
    def _known_setting(cls, value: str) -> str:
        if value not in SETTINGS:
            raise ValueError(f"unknown setting {value!r}; use one of {', '.join(SETTINGS)}")
        return value


def _unique_ids(items: list) -> list:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"id {item.id!r} is used twice")
        seen.add(item.id)
    return items


class AreaFile(Strict):
    slug: Slug
    number: conint(ge=1, le=6)
    title: Text
    owner: Text
    reviewed: date
    review_by: date
    summary: Text
    problem: Sourced
    solution: Sourced
    suggested_actions: conlist(Action, min_items=6)
    challenges: conlist(Challenge, min_items=4)
    examples: conlist(Example, min_items=2)

    _unique_actions = validator("suggested_actions", allow_reuse=True)(_unique_ids)
    _unique_challenges = validator("challenges", allow_reuse=True)(_unique_ids)
    _unique_examples = validator("examples", allow_reuse=True)(_unique_ids)

    @validator("review_by")
    def _review_after_reviewed(cls, value: date, values: dict) -> date:
        reviewed = values.get("reviewed")
        if reviewed and value <= reviewed:
            raise ValueError("review_by must be after reviewed")
        return value


class CrisisRouteEntry(Strict):
    id: Slug
    name: Text
    contact: constr(strip_whitespace=True, regex=r"^[0-9 ]+$")
    action: Text
    for_whom: Text
    hours: Text
    sources: conlist(Slug, min_items=1)


class CrisisCheckEntry(Strict):
    """The shorter reply for a message that might disclose risk: a few routes, and a button to all."""

    heading: Text
    routes: conlist(Slug, min_items=1)
    button: Text


class CrisisFile(Strict):
    owner: Text
    last_checked: date
    review_by: date
    heading: Text
    safeguarding: Text
    closing: Text
    routes: conlist(CrisisRouteEntry, min_items=1)
    check: CrisisCheckEntry

    _unique_routes = validator("routes", allow_reuse=True)(_unique_ids)

    @validator("check")
    def _check_names_known_routes(cls, value: CrisisCheckEntry, values: dict) -> CrisisCheckEntry:
        known = {route.id for route in values.get("routes") or []}
        unknown = [route for route in value.routes if route not in known]
        if unknown:
            raise ValueError(f"routes not in the crisis routes: {', '.join(unknown)}")
        return value


class SourceEntry(Strict):
    title: Text
    url: HttpUrl


class SourcesFile(Strict):
    sources: dict[Slug, SourceEntry]


class ContentError(Exception):
    """A problem in the content files, worded for the person editing them."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_yaml(path: Path) -> object:
    """Parse one YAML file, turning syntax errors into a ContentError naming the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentError([f"{path.name}: not valid YAML: {error}"]) from error
    except OSError as error:
        raise ContentError([f"{path.name}: cannot be read: {error}"]) from error


def parse(model: type[BaseModel], path: Path) -> BaseModel:
    """Validate one file against its model; every problem is named by file, item and field."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ContentError([f"{path.name}: expected a mapping of fields at the top level"])
    try:
        return model.parse_obj(raw)
    except ValidationError as error:
        raise ContentError(
            [
                f"{path.name}: {_locate(raw, problem['loc'])}: {problem['msg']}"
                for problem in error.errors()
            ]
        ) from error


def _locate(raw: dict, loc: tuple) -> str:
    """Turn pydantic's location into words, naming list items by number and id."""
    words: list[str] = []
    node: object = raw
    for step in loc:
        if step == "__root__":
            continue
        if isinstance(step, int):
            entry = node[step] if isinstance(node, list) and step < len(node) else None
            item_id = entry.get("id") if isinstance(entry, dict) else None
            words.append(f"item {step + 1}" + (f" (id {item_id!r})" if item_id else ""))
            node = entry
        else:
            words.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "field " + " > ".join(words) if words else "file"
