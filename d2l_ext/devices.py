"""Devices and data-loading workers, with d2l's names and a CPU fallback."""
import os
import sys

import mxnet as mx

__all__ = ['num_gpus', 'try_gpu', 'try_all_gpus', 'get_dataloader_workers']


def num_gpus():
    """Return the number of GPUs MXNet can use (0 on a CPU-only build or machine)."""
    try:
        return mx.context.num_gpus()
    except mx.base.MXNetError:  # a CUDA build on a machine without a driver
        return 0


def try_gpu(i=0):
    """Return ``mx.gpu(i)`` if that GPU exists, otherwise ``mx.cpu()``."""
    return mx.gpu(i) if num_gpus() >= i + 1 else mx.cpu()


def try_all_gpus():
    """Return all available GPUs, or ``[mx.cpu()]`` if there is none.

    d2l 1.0.3 returns ``[]`` on a CPU-only machine although its docstring promises
    ``[cpu()]``; the chapter's workflow then fails in ``gluon.utils.split_and_load``
    with ``ZeroDivisionError``. This version keeps the promise.

    Returns
    -------
    list of mxnet.Context
    """
    return [mx.gpu(i) for i in range(num_gpus())] or [mx.cpu()]


def get_dataloader_workers():
    """Return how many worker processes a ``gluon.data.DataLoader`` should use.

    d2l returns 4 everywhere but Windows. AutoRec's batches are slices of a matrix
    already in memory, so workers only add inter-process copies; they help when batches
    need real work and a spare core exists. This returns 0 on Windows and on machines
    with at most 2 cores, otherwise ``min(4, cores - 1)``.
    """
    cores = os.cpu_count() or 1
    if sys.platform.startswith('win') or cores <= 2:
        return 0
    return min(4, cores - 1)
