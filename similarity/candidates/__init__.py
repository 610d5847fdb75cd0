"""Stage 3b — candidates."""
