"""`python -m bot teams-package`: the zip an administrator uploads to Teams, or why it cannot be built."""

import json
import zipfile
from pathlib import Path

import pytest

from bot.channels.teams_package import SOURCE, TeamsPackageError, build_package
from bot.cli import main

APP_ID = "0b7c9a52-3f1e-4d2a-9c61-8e2f4a6b1d30"
SETTINGS = {
    "SIGNPOST_TEAMS_APP_ID": APP_ID,
    "SIGNPOST_TEAMS_ORGANISATION": 'Example "Pain & Mood" NHS Trust',
    "SIGNPOST_TEAMS_ORGANISATION_URL": "https://www.example.nhs.uk",
}


def test_the_package_holds_the_filled_manifest_and_both_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "signpost-teams.zip"
    assert main(["teams-package", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        text = package.read("manifest.json").decode()
        for icon in ("color.png", "outline.png"):
            assert package.read(icon) == (SOURCE / icon).read_bytes()
    assert "${" not in text
    manifest = json.loads(text)
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["developer"]["name"] == 'Example "Pain & Mood" NHS Trust'
    assert manifest["developer"]["privacyUrl"] == "https://www.example.nhs.uk/privacy"


def test_missing_or_wrong_settings_are_all_named_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SIGNPOST_TEAMS_APP_ID", "my-bot")
    monkeypatch.setenv("SIGNPOST_TEAMS_ORGANISATION_URL", "http://www.example.nhs.uk")
    out = tmp_path / "signpost-teams.zip"
    assert main(["teams-package", "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert "SIGNPOST_TEAMS_ORGANISATION is not set" in error
    assert "SIGNPOST_TEAMS_APP_ID must be the Azure Bot's Microsoft App ID, a GUID" in error
    assert "SIGNPOST_TEAMS_ORGANISATION_URL must be an https:// address" in error
    assert not out.exists()


def test_an_icon_of_the_wrong_size_or_kind_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "teams"
    source.mkdir()
    (source / "manifest.json").write_bytes((SOURCE / "manifest.json").read_bytes())
    (source / "color.png").write_bytes((SOURCE / "outline.png").read_bytes())  # 32 x 32
    (source / "outline.png").write_text("not an image")
    with pytest.raises(TeamsPackageError) as refused:
        build_package(SETTINGS, tmp_path / "out.zip", source)
    assert refused.value.problems == [
        f"{source / 'color.png'} must be a 192 x 192 PNG (32 x 32)",
        f"{source / 'outline.png'} must be a 32 x 32 PNG (not a PNG)",
    ]
    assert not (tmp_path / "out.zip").exists()
