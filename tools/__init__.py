"""Tooling around the package, driven by ``tasks.py``: slide decks, running notebooks
headlessly, student versions, the launcher and the platform checks. Not part of the library
(``d2l_ext`` never imports it).

Run a tool as a module from the repository's root, with the environment's Python:
``.venv/bin/python -m tools.slides ...``. ``launcher`` and ``mxnet_blas`` use only the
standard library (``tasks.py`` imports the launcher before anything is installed); keep this
file free of imports.
"""
