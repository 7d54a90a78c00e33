"""Seeding, done by an explicit call (importing the package seeds nothing)."""
import random

import mxnet as mx
import numpy as onp

__all__ = ['set_seed']


def set_seed(seed):
    """Seed Python's ``random``, NumPy's global generator and MXNet's generators.

    All three are needed: with any one left out, MXNet training on the CPU does not print
    the same numbers run after run.

    Parameters
    ----------
    seed : int
    """
    random.seed(seed)
    onp.random.seed(seed)
    mx.random.seed(seed)
