"""Devices and data-loading workers, with d2l's names and a CPU fallback."""
import os
import sys

import mxnet as mx

__all__ = ['num_gpus', 'try_gpu', 'try_all_gpus', 'get_dataloader_workers', 'resolve_devices',
           'split_and_load']


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


def split_and_load(data, devices, even_split=True):
    """Split a batch along its first axis and copy one slice to each device.

    Gluon's ``gluon.utils.split_and_load`` with the same slices, but moving MXNet ``np``
    arrays with ``as_in_ctx``: Gluon's version calls ``as_in_context``, which makes MXNet
    print "ndarray.as_in_context has been renamed to ndarray.as_in_ctx" on every batch.

    Parameters
    ----------
    data : mxnet.numpy.ndarray, mxnet.nd.NDArray or array-like
        A batch.
    devices : list of mxnet.Context
    even_split : bool, default True
        As in Gluon: refuse a batch that does not split evenly.

    Returns
    -------
    list of arrays, one per device
    """
    from mxnet import gluon
    from mxnet.util import is_np_array
    if not isinstance(data, mx.nd.NDArray):
        data = (mx.np.array if is_np_array() else mx.nd.array)(data, ctx=devices[0])
    slices = ([data] if len(devices) == 1
              else gluon.utils.split_data(data, len(devices), 0, even_split))
    return [part.as_in_ctx(device) if hasattr(part, 'as_in_ctx')
            else part.as_in_context(device) for part, device in zip(slices, devices)]


def resolve_devices(devices=None):
    """Return a usable, non-empty list of devices for training or prediction.

    Parameters
    ----------
    devices : list of mxnet.Context, mxnet.Context or None
        ``None``: :func:`try_all_gpus` (the CPU on a machine without GPUs). An empty list
        (what d2l 1.0.3's own ``try_all_gpus()`` returns without a GPU): the CPU, with a
        ``UserWarning``. A single context is wrapped in a list.

    Returns
    -------
    list of mxnet.Context

    Raises
    ------
    DeviceError
        An entry is not an ``mxnet.Context``, or names a GPU this machine does not have.
    """
    import warnings

    from .errors import DeviceError
    if isinstance(devices, _Resolved):
        return devices  # checked already: resolved once per training call, not per epoch
    if devices is None:
        return _Resolved(try_all_gpus())
    if isinstance(devices, mx.Context):
        devices = [devices]
    devices = list(devices)
    if not devices:
        warnings.warn('devices is an empty list (d2l 1.0.3\'s try_all_gpus() returns [] on a '
                      'machine without a GPU); using the CPU. Pass d2l_ext.try_all_gpus() '
                      'to choose devices explicitly.', UserWarning, stacklevel=3)
        return _Resolved([mx.cpu()])
    available = num_gpus()
    for device in devices:
        if not isinstance(device, mx.Context):
            raise DeviceError(f'devices must be a list of mxnet contexts such as mx.cpu() '
                              f'or mx.gpu(0); found {device!r} ({type(device).__name__}). '
                              f'Use d2l_ext.try_all_gpus().')
        if device.device_type == 'gpu' and device.device_id >= available:
            raise DeviceError(f'{device} was requested but this machine has {available} '
                              f'GPU(s) usable by MXNet. Use d2l_ext.try_all_gpus() (the CPU '
                              f'when there is no GPU) or d2l_ext.try_gpu({device.device_id}).')
    return _Resolved(devices)


class _Resolved(list):
    """A device list :func:`resolve_devices` has checked (so it is not checked again)."""
