"""Stage 5 — the verdict."""
