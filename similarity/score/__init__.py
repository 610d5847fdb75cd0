"""Stage 4 — scoring."""
