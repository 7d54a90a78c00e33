"""Tooling around the package, driven by ``tasks.py``: slide decks and running notebooks
headlessly. Not part of the library (``d2l_ext`` never imports it)."""
