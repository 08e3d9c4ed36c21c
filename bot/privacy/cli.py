"""`python -m bot privacy ...`: retention and deletion on the configured tracker store."""

import argparse
import os
from datetime import timedelta

from bot.deploy.profile import tracker_url, without_password

RETENTION_VARIABLE = "SIGNPOST_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30


def add_commands(groups: argparse._SubParsersAction) -> None:
    """The `privacy` command group, for bot/cli.py."""
    privacy = groups.add_parser("privacy", help="conversation retention and deletion")
    commands = privacy.add_subparsers(dest="command", required=True)
    purge_parser = commands.add_parser("purge", help="delete conversation events older than N days")
    purge_parser.add_argument(
        "--older-than-days",
        type=positive_days,
        default=os.environ.get(RETENTION_VARIABLE, "").strip() or DEFAULT_RETENTION_DAYS,
        help=f"default: {RETENTION_VARIABLE}, else {DEFAULT_RETENTION_DAYS}",
    )
    forget_parser = commands.add_parser("forget", help="delete one conversation")
    forget_parser.add_argument("sender_id", help="the conversation's sender id")


def positive_days(value: str) -> int:
    days = int(value)
    if days < 1:
        raise argparse.ArgumentTypeError("must be at least 1 day")
    return days


def run(args: argparse.Namespace) -> int:
    from bot.privacy.retention import forget, purge, tracker_engine  # imports Rasa: only here

    url = tracker_url()
    engine = tracker_engine(url)
    try:
        if args.command == "purge":
            deleted = purge(engine, timedelta(days=args.older_than_days))
            what = f"events older than {args.older_than_days} days"
        else:
            deleted = forget(engine, args.sender_id)
            what = "events of that conversation"
    finally:
        engine.dispose()
    print(f"Deleted {deleted} {what} from {without_password(url)}.")
    return 0
