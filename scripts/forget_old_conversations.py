"""Delete the conversations whose last message is older than N days from the tracker store.

Usage: python scripts/forget_old_conversations.py [--days N]
N defaults to CONVERSATION_RETENTION_DAYS (30). The store is TRACKER_STORE_URL (default: build/trackers.db).
Run it daily (cron, a systemd timer); `make forget-old` runs it once.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.tracker_store import ForgetfulSQLTrackerStore  # noqa: E402
from scripts.endpoints import tracker_store_url  # noqa: E402

DEFAULT_DAYS = float(os.environ.get("CONVERSATION_RETENTION_DAYS", "30"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS, help="keep conversations this recent")
    args = parser.parse_args(argv)
    if args.days <= 0:
        parser.error("--days must be more than 0")
    store = ForgetfulSQLTrackerStore(host=tracker_store_url())
    deleted = store.forget_older_than(args.days)
    print(f"deleted {deleted} conversation(s) with no message in the last {args.days:g} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
