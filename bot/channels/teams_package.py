"""Builds the Teams app package: the manifest with its placeholders filled in, and the two icons.

Why checked here: Teams rejects a package only after an administrator uploads it, with a vague
message. A placeholder left unfilled, an app id that is not the Azure Bot's GUID, a plain-http
privacy page or an icon of the wrong size is cheaper to catch before the zip exists.
"""

import json
import re
import struct
import zipfile
from collections.abc import Mapping
from pathlib import Path
from string import Template

from bot.paths import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "channels" / "teams"
ICONS = {"color.png": (192, 192), "outline.png": (32, 32)}
APP_ID = "SIGNPOST_TEAMS_APP_ID"
ORGANISATION_URL = "SIGNPOST_TEAMS_ORGANISATION_URL"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
HTTPS_SITE = re.compile(r"https://[^\s/$.?#][^\s]*")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class TeamsPackageError(ValueError):
    """Everything wrong with the settings or the icons, so one run shows all of it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def build_package(settings: Mapping[str, str], out: Path, source: Path = SOURCE) -> Path:
    """The zip Teams installs, with manifest.json and the icons at its top level."""
    text = (source / "manifest.json").read_text(encoding="utf-8")
    wanted = _placeholders(text)
    problems = _setting_problems(settings, wanted) + _icon_problems(source)
    if problems:
        raise TeamsPackageError(problems)
    filled = _filled(json.loads(text), {name: settings[name].strip() for name in wanted})
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(filled, indent=2, ensure_ascii=False) + "\n")
        for icon in ICONS:
            package.write(source / icon, icon)
    return out


def _placeholders(text: str) -> list[str]:
    """The `${NAME}`s the manifest asks for, in name order."""
    return sorted({match["braced"] for match in Template.pattern.finditer(text) if match["braced"]})


def _setting_problems(settings: Mapping[str, str], wanted: list[str]) -> list[str]:
    problems = [f"{name} is not set" for name in wanted if not settings.get(name, "").strip()]
    app_id = settings.get(APP_ID, "").strip()
    if app_id and not GUID.fullmatch(app_id):
        problems.append(f"{APP_ID} must be the Azure Bot's Microsoft App ID, a GUID")
    url = settings.get(ORGANISATION_URL, "").strip()
    if url and not HTTPS_SITE.fullmatch(url):
        problems.append(
            f"{ORGANISATION_URL} must be an https:// address (Teams links its /privacy and /terms)"
        )
    return problems


def _icon_problems(source: Path) -> list[str]:
    problems = []
    for name, wanted in ICONS.items():
        path = source / name
        if not path.is_file():
            problems.append(f"{path} is missing")
        elif (size := _png_size(path)) != wanted:
            found = "not a PNG" if size is None else f"{size[0]} x {size[1]}"
            problems.append(f"{path} must be a {wanted[0]} x {wanted[1]} PNG ({found})")
    return problems


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from the PNG header, without an imaging library."""
    header = path.read_bytes()[:24]
    if len(header) < 24 or not header.startswith(PNG_SIGNATURE) or header[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", header[16:24])


def _filled(value: object, settings: Mapping[str, str]) -> object:
    """The manifest with each string's placeholders filled; JSON escaping stays json's job."""
    if isinstance(value, str):
        return Template(value).substitute(settings)
    if isinstance(value, list):
        return [_filled(item, settings) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, settings) for key, item in value.items()}
    return value
