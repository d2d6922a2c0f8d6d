"""The snippets under rejected/ are inputs for mypy, never modules for pytest to import."""

collect_ignore_glob = ["rejected/*"]
