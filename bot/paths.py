"""Where the project's files live, found from this package so no command depends on the cwd."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CONTENT_DIR = DATA_DIR / "content"
VAR_DIR = PROJECT_ROOT / "var"
WEB_DIST_DIR = PROJECT_ROOT / "web" / "dist"
