"""The patient directory search: which patient ids a query finds, best first.

Apart from kiosk.store.queries (which audits the search and loads the patients it found) so the
matching rules read on their own: a date of birth (2000-01-31 or 01/31/2000), or word prefixes
of the names and MRN in any order ("riv ana", "mrn0001"); an MRN typed in full comes first.
"""

from __future__ import annotations

import re
from datetime import datetime

from kiosk.store.index import Index


def search_ids(index: Index, query: str, limit: int) -> list[str]:
    """The ids of the directory's patients that ``query`` finds, best first, at most ``limit``."""
    words = [w for w in re.split(r"[\s,]+", query.strip().lower()) if w]
    if not words:
        return []
    birth = _parse_date(query.strip())
    keys = index.search_keys()
    prefixes = [" " + w for w in words]
    if birth is not None:
        hits = [(order, pid) for pid, (_, born, order) in keys.items() if born == birth]
    elif len(prefixes) == 1:  # the usual case while typing: one substring test per patient
        first = prefixes[0]
        hits = [(order, pid) for pid, (text, _, order) in keys.items() if first in text]
    else:
        hits = [
            (order, pid)
            for pid, (text, _, order) in keys.items()
            if all(p in text for p in prefixes)
        ]
    hits.sort()
    exact = [pid for pid in dict.fromkeys((query.strip(), query.strip().upper())) if pid in keys]
    if exact:  # an MRN typed in full comes first, whatever the names around it
        hits = [(keys[pid][2], pid) for pid in exact] + [h for h in hits if h[1] not in exact]
    return [pid for _, pid in hits[:limit]]


def _parse_date(text: str) -> str | None:
    """ISO text of a date typed as YYYY-MM-DD or MM/DD/YYYY, else None."""
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None
