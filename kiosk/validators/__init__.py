"""Pure validators of the core: vital signs, range tables, identity and cross-field checks.

Import from here: ``from kiosk.validators import check_vital``. The Textual adapters live in
``kiosk.widgets.validation`` (the face) and are deliberately not imported by this package.
"""

from kiosk.validators.blood_pressure import check_blood_pressure
from kiosk.validators.ranges import RangeTable, classify, load_ranges, use_ranges
from kiosk.validators.vitals import VitalCheck, check_vital, to_measurement

__all__ = [
    "RangeTable",
    "VitalCheck",
    "check_blood_pressure",
    "check_vital",
    "classify",
    "load_ranges",
    "to_measurement",
    "use_ranges",
]
