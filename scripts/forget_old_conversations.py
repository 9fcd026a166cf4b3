"""Delete the conversations whose last message is older than N days from the tracker store, and the unanswered
questions older than M days from the curation database.

Usage: python scripts/forget_old_conversations.py [--days N] [--unanswered-days M]
N defaults to CONVERSATION_RETENTION_DAYS (30), M to UNANSWERED_RETENTION_DAYS (90). The stores are
TRACKER_STORE_URL (default: build/trackers.db) and CURATION_DATABASE_URL (default: var/curation.db).
Run it daily (cron, a systemd timer); `make forget-old` runs it once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.curation import CurationStore  # noqa: E402
from knowledge.settings import retention, tracker_store_url  # noqa: E402
from rasa_ext.stores.tracker_store import ForgetfulSQLTrackerStore  # noqa: E402

DEFAULT_DAYS = retention().conversation_days


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS, help="keep conversations this recent")
    parser.add_argument(
        "--unanswered-days",
        type=float,
        default=retention().unanswered_days,
        help="keep unanswered questions this recent",
    )
    args = parser.parse_args(argv)
    if args.days <= 0 or args.unanswered_days <= 0:
        parser.error("--days and --unanswered-days must be more than 0")
    store = ForgetfulSQLTrackerStore(host=tracker_store_url())
    deleted = store.forget_older_than(args.days)
    print(f"deleted {deleted} conversation(s) with no message in the last {args.days:g} days")
    questions = CurationStore().forget_unanswered_older_than(args.unanswered_days)
    print(f"deleted {questions} unanswered question(s) older than {args.unanswered_days:g} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
