"""Reading registries and listings."""
