"""Reusable widgets of the kiosk face; each keeps its own DEFAULT_CSS."""
