"""The anchor benchmark of DESIGN section 7: ``python -m bench`` (see bench/README.md)."""
