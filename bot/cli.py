"""Command line for content editors and operators.

python -m bot content check           validate the files; non-zero exit on any problem
python -m bot content load            migrate the database and load the files into it
python -m bot content show <area>     print what the assistant has to say about an area
python -m bot content crisis-domain   rewrite domain/crisis.yml from data/content/crisis.yml
python -m bot privacy purge           delete conversation events older than the retention period
python -m bot privacy forget <id>     delete one conversation
python -m bot run-scale               replicas behind nginx on PostgreSQL and Redis (make run-scale)
python -m bot shell                   chat in the terminal, on the stores `make run` uses (make shell)
python -m bot load                    a bounded load run against a running Signpost
python -m bot teams-package           the Teams app zip, from the SIGNPOST_TEAMS_* variables
"""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from bot.channels.teams_package import TeamsPackageError, build_package
from bot.content import queries
from bot.content.bundle import read_bundle
from bot.content.db import get_engine, session_scope
from bot.content.loader import load_bundle
from bot.content.migrate import upgrade
from bot.content.render import numbered
from bot.content.schema import ContentError
from bot.crisis_domain import write_crisis_domain
from bot.deploy import cli as deploy_cli
from bot.deploy.profile import SettingError
from bot.paths import CONTENT_DIR, PROJECT_ROOT
from bot.privacy import cli as privacy_cli
from bot.run import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    groups = parser.add_subparsers(dest="group", required=True)
    content = groups.add_parser("content", help="check, load and show the guide's content")
    content.add_argument(
        "--content-dir", type=Path, default=CONTENT_DIR, help="default: data/content"
    )
    commands = content.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate the content files")
    commands.add_parser("load", help="load the content files into the database")
    show = commands.add_parser("show", help="print an area as the assistant would tell it")
    show.add_argument("area", help="the area's slug, e.g. local-knowledge")
    commands.add_parser("crisis-domain", help="regenerate domain/crisis.yml from crisis.yml")
    nlp = groups.add_parser("nlp", help="language processing")
    nlp.add_subparsers(dest="command", required=True).add_parser(
        "build-spacy", help="build build/spacy"
    )
    groups.add_parser("run", help="start the assistant on loopback")
    groups.add_parser("eval", help="score pipelines, peers and the crisis matcher")
    groups.add_parser("bench", help="measure latency, throughput, start-up and memory")
    teams = groups.add_parser("teams-package", help="build the Teams app zip (channels/teams)")
    teams.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "build" / "signpost-teams.zip", help="the zip"
    )
    privacy_cli.add_commands(groups)
    deploy_cli.add_commands(groups)
    args = parser.parse_args(argv)
    try:
        return dispatch(args)
    except ContentError as error:
        print("The content has problems; nothing was loaded:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except SettingError as error:
        print(error, file=sys.stderr)
        return 1


def dispatch(args: argparse.Namespace) -> int:
    """Run the command that `args` names."""
    if args.group == "run":
        return run()
    if args.group == "privacy":
        return privacy_cli.run(args)
    if args.group in {"run-scale", "serve", "shell", "load"}:
        return deploy_cli.run(args)
    if args.group in {"eval", "bench"}:
        return measurement(args.group)
    if args.group == "teams-package":
        return teams_package(args)
    handlers = {
        "check": check,
        "load": load,
        "show": show_area,
        "crisis-domain": crisis_domain,
        "build-spacy": build_spacy,
    }
    return handlers[args.command](args)


def check(args: argparse.Namespace) -> int:
    bundle = read_bundle(args.content_dir)
    stale = bundle.stale(date.today())
    for note in stale:
        print(f"  - {note}", file=sys.stderr)
    if stale:
        print("Content is past its review date.", file=sys.stderr)
        return 1
    print(
        f"Content OK: {len(bundle.areas)} areas, {len(bundle.crisis.routes)} crisis routes, "
        f"{len(bundle.sources.sources)} sources."
    )
    return 0


def load(args: argparse.Namespace) -> int:
    bundle = read_bundle(args.content_dir)
    for note in bundle.stale(date.today()):
        print(f"Warning: {note}", file=sys.stderr)
    engine = get_engine()
    upgrade(engine)
    with session_scope(engine) as session:
        report = load_bundle(session, bundle)
    print(
        f"Loaded content into {engine.url.render_as_string(hide_password=True)}: "
        f"{report.added} added, {report.updated} updated, {report.removed} removed."
    )
    return 0


def show_area(args: argparse.Namespace) -> int:
    engine = get_engine()
    upgrade(engine)
    with session_scope(engine) as session:
        area = queries.get_area(session, args.area)
        if area is None:
            known = (
                ", ".join(a.slug for a in queries.list_areas(session))
                or "none loaded; run: python -m bot content load"
            )
            print(f"No area {args.area!r}. Areas: {known}", file=sys.stderr)
            return 2
        sections = [
            ("Suggested actions", queries.get_items(session, area.slug, "action", limit=100).items),
            (
                "Challenges to prepare for",
                queries.get_items(session, area.slug, "challenge", limit=100).items,
            ),
            (
                "Practical examples",
                queries.get_items(session, area.slug, "example", limit=100).items,
            ),
        ]
    print(f"# {area.number}. {area.title}\n\n{area.summary}\n")
    print(f"## The problem\n{numbered([area.problem])[3:]}\n")
    print(f"## The solution\n{numbered([area.solution])[3:]}\n")
    for heading, items in sections:
        print(f"## {heading}\n{numbered(items)}\n")
    return 0


def teams_package(args: argparse.Namespace) -> int:
    try:
        path = build_package(os.environ, args.out)
    except TeamsPackageError as error:
        print("The Teams package was not built:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"Wrote {path}: upload it in Teams (Apps, Manage your apps, Upload an app).")
    return 0


def crisis_domain(args: argparse.Namespace) -> int:
    path = write_crisis_domain(read_bundle(args.content_dir).crisis)
    print(f"Wrote {path}")
    return 0


def build_spacy(_args: argparse.Namespace) -> int:
    from bot.nlp.spacy_pipeline import build  # spaCy is slow to import; only this command needs it

    print(f"Built the spaCy pipeline in {build()}")
    return 0


def measurement(which: str) -> int:
    """Evaluation and benchmark pull in TensorFlow and scikit-learn; import them only here."""
    if which == "eval":
        from bot.evaluation.run import main
    else:
        from bot.evaluation.bench import main
    return main()
