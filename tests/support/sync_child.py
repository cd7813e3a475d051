"""A ``kiosk sync`` that goes slowly, for the kill test: ``python sync_child.py DATA URL``.

Pushes in batches of 10 (one transaction each) and prints "started" once connected, so the
parent can SIGKILL it in the middle of the push.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.sync import connect, sync_once


def main(argv: list[str]) -> int:
    data_dir, url = Path(argv[0]), argv[1]
    with connect(url) as conn:
        print("started", flush=True)
        sync_once(data_dir, conn, batch=10)
    print("finished", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
