"""Stage 3 — storage."""
