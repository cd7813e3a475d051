"""The shared record on PostgreSQL (placeholder face, filled below)."""
