"""Exam-room intake kiosk.

The package is split in two: the *core* (models, units, validators, scoring, config, store,
audit, fhir, demo) never imports Textual; the *face* (app, screens, widgets,
validators/textual.py) does. See DESIGN.md in the shared folder.
"""

__version__ = "0.1.0"
