"""Exam-room intake kiosk.

The package is split in two: the *core* (models, units, validators, scoring, config, store,
export, demo, services, privacy) never imports Textual; the *face* (app, screens, widgets)
does. docs/ARCHITECTURE.md draws the house and its contracts.
"""

__version__ = "0.1.0"
