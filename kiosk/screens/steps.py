"""The intake steps, in order: the one registry the flow, the help and the start-up read.

Adding a step: write its :class:`~kiosk.screens.base.StepScreen` subclass (a ``STEP`` name,
``snapshot()`` and an outcome on Next/Back/leave) and put it in :data:`STEPS` at its place
(docs/ARCHITECTURE.md, "Adding a step").
"""

from __future__ import annotations

from kiosk.screens.base import StepScreen
from kiosk.screens.complaint import ComplaintScreen
from kiosk.screens.demographics import DemographicsScreen
from kiosk.screens.history import HistoryScreen
from kiosk.screens.poc import PocScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.screenings import ScreeningsScreen
from kiosk.screens.vitals import VitalsScreen

STEPS: tuple[type[StepScreen], ...] = (
    DemographicsScreen,
    HistoryScreen,
    ComplaintScreen,
    ScreeningsScreen,
    VitalsScreen,
    PocScreen,
    ReviewScreen,
)
