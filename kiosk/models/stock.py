"""Stock on hand: kit lots, and anything else the clinic counts (vaccines, medications).

One ``StockLot`` per (item, lot) received: who made it, when it expires, how many are left,
where it is kept. Kept by kiosk.store.stock (``kiosk stock add|list|retire``); generic on
purpose, so the medications and immunizations the MA gives can be counted the same way.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, Field

from kiosk.models.base import KioskModel, Text, utcnow

ItemName = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._ -]*$")
]
LotNumber = Annotated[
    str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
]


class StockLot(KioskModel):
    item: ItemName
    """What it is: a catalog kit (``strep-a``, ``flu-ab``), a vaccine, a medication."""
    lot: LotNumber
    manufacturer: Text = ""
    expiry: date
    quantity: Annotated[int, Field(ge=0, le=1_000_000)]
    """On hand now: each patient test (or dose) counts one down."""
    location: Text = ""
    low_at: Annotated[int, Field(ge=0, le=1_000_000)] = 5
    """At or below this many on hand the lot is flagged low."""
    received: AwareDatetime = Field(default_factory=utcnow)
    """When the lot was last received (a new shipment of the same lot moves it)."""
    retired: bool = False
    retired_reason: Text = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.item.lower(), self.lot.upper())

    @property
    def is_low(self) -> bool:
        return self.quantity <= self.low_at

    def expired_on(self, day: date) -> bool:
        """Expired on ``day``: a kit is usable through its expiry date."""
        return self.expiry < day

    def refusal(self, day: date) -> str | None:
        """Why this lot may not be used on ``day`` (None: it may)."""
        if self.retired:
            why = f" ({self.retired_reason})" if self.retired_reason else ""
            return f"Lot {self.lot} of {self.item} was retired{why}: use another lot."
        if self.expired_on(day):
            return f"Lot {self.lot} of {self.item} expired on {self.expiry}: use another lot."
        if self.quantity <= 0:
            return f"Lot {self.lot} of {self.item} has none left on hand: receive more first."
        return None
