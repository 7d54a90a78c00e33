"""A parameter-server kvstore that averages, counts its bytes and checks the replicas.

``gluon.Trainer(..., kvstore=kv)`` accepts any :class:`mxnet.kvstore.KVStoreBase`.
:class:`AveragingKVStore` wraps MXNet's own ``dist_sync`` or ``dist_async`` store
(``mx.kv.create('dist_sync')``) and changes three things a data-parallel AutoRec needs:

- **Averaging** (``dist_sync``): the servers *sum* the gradients the workers push; the
  wrapper divides the pulled sum by the number of workers, so every worker applies the
  mean gradient of the global batch, the single-process update. Every worker then runs
  the same Adam step on the same numbers (``update_on_kvstore=False``): the replicas stay
  bit-identical. With ``dist_async`` the optimiser runs on the servers
  (MXNet's only async mode) and each push is applied as it arrives.
- **Metering**: the bytes pushed and pulled, per step and in total.
- **Identity check** (``check_every``): every ``check_every`` steps each worker pushes a
  digest of its parameters (small integers, exact in float32) to a spare key; the servers
  sum them, and a worker whose digest times the number of workers differs from the sum
  raises :class:`~d2l_ext.errors.ClusterError`. If every worker's check passes, all
  digests are equal.
"""
import hashlib

import mxnet as mx
import numpy as onp
from mxnet.kvstore import KVStoreBase

from ...errors import ClusterError

__all__ = ['AveragingKVStore', 'parameter_digest', 'DIGEST_KEY']

#: The kvstore key of the parameter digest (far above any parameter index).
DIGEST_KEY = 999_999
#: Digest length (float32 integers below 2**16, so a sum over 256 workers stays exact).
DIGEST_SIZE = 8


def parameter_digest(params):
    """A short digest of parameter values: SHA-256 of their bytes, as small integers.

    Parameters
    ----------
    params : iterable of mxnet.gluon.Parameter or array-like
        The parameters, in a fixed order.

    Returns
    -------
    numpy.ndarray of shape (DIGEST_SIZE,), float32
        Integers in ``[0, 65536)``; equal digests mean equal bytes (up to SHA-256).
    """
    h = hashlib.sha256()
    for p in params:
        value = p.data() if hasattr(p, 'data') and callable(p.data) else p
        h.update(onp.ascontiguousarray(value.asnumpy() if hasattr(value, 'asnumpy')
                                       else onp.asarray(value)).tobytes())
    raw = onp.frombuffer(h.digest()[:2 * DIGEST_SIZE], dtype='<u2')
    return raw.astype(onp.float32)


def _nbytes(values):
    """Bytes of an array or a (nested) list of arrays."""
    if isinstance(values, (list, tuple)):
        return sum(_nbytes(v) for v in values)
    return values.size * onp.dtype(values.dtype).itemsize


class AveragingKVStore(KVStoreBase):
    """MXNet's distributed kvstore, averaging gradients, counting bytes, checking replicas.

    Parameters
    ----------
    kvstore : mxnet.kvstore.KVStore
        A distributed store, ``mx.kv.create('dist_sync')`` or ``'dist_async'``.
    params : callable, optional
        Returns the list of parameters to check (e.g. ``lambda: list(net.collect_params()
        .values())``); set it (or :attr:`params`) before the first step to enable
        ``check_every``.
    check_every : int, default 0
        Check that every worker holds identical parameters every this many steps
        (0: never; ``dist_sync`` only).

    Attributes
    ----------
    pushed, pulled : int
        Bytes of parameters and gradients pushed to and pulled from the servers by the
        training steps (the initial broadcast and the identity checks not counted).
    steps, checks : int
        Steps seen (one per ``Trainer.step``) and identity checks passed.
    """

    def __init__(self, kvstore, params=None, check_every=0):
        self._kv = kvstore
        self.params = params
        self.check_every = int(check_every)
        self.pushed = self.pulled = self.steps = self.checks = 0
        self._digest_ready = False
        if self.check_every and 'async' in kvstore.type:
            raise ClusterError('Expected check_every=0 with dist_async: asynchronous '
                               'workers never hold the same parameters. Found '
                               f'check_every={check_every}; use dist_sync to check them.')

    # -- what gluon.Trainer calls -------------------------------------------------------
    @property
    def type(self):
        """The wrapped store's type, e.g. ``'dist_sync'``."""
        return self._kv.type

    @property
    def rank(self):
        """This worker's rank (assigned by the scheduler)."""
        return self._kv.rank

    @property
    def num_workers(self):
        """The number of workers."""
        return self._kv.num_workers

    def is_capable(self, capability):
        """Optimiser on the servers only for ``dist_async`` (sync: every worker updates)."""
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return 'async' in self.type
        return self._kv.is_capable(capability)

    def set_optimizer(self, optimizer):
        """Send the optimiser to the servers (``dist_async``)."""
        self._kv.set_optimizer(optimizer)

    def init(self, key, value):
        """Initialise ``key`` on the servers (rank 0's value wins)."""
        self._kv.init(key, value)

    def broadcast(self, key, value, out, priority=0):
        """Rank 0's ``value`` to every worker's ``out`` (the initial parameters), waiting
        for it: MXNet 1.9's dist kvstore may otherwise send the key's first gradient push
        before this pull is answered, and a worker then starts from the summed gradient
        instead of the weights (seen here as replicas differing after a few steps)."""
        self._kv.broadcast(key, value, out, priority=priority)
        for array in (out if isinstance(out, (list, tuple)) else [out]):
            array.wait_to_read()

    def push(self, key, value, priority=0):
        """Push without pulling (not used for dense parameters)."""
        self._kv.push(key, value, priority=priority)

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Pull ``key`` into ``out``."""
        self._kv.pull(key, out=out, priority=priority, ignore_sparse=ignore_sparse)

    def pushpull(self, key, value, out=None, priority=0):
        """Push gradients, pull the sum (divided by the number of workers when sync) or,
        async, the servers' updated weights. Key 0 starts a new step."""
        if key == 0:
            self._start_step()
        self.pushed += _nbytes(value)
        self.pulled += _nbytes(value if out is None else out)
        self._kv.pushpull(key, value, out=out, priority=priority)
        if 'async' not in self.type and self.num_workers > 1:
            outs = value if out is None else out
            for array in (outs if isinstance(outs, (list, tuple)) else [outs]):
                array /= self.num_workers

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Delegated to the wrapped store."""
        self._kv.save_optimizer_states(fname, dump_optimizer)

    def load_optimizer_states(self, fname):
        """Delegated to the wrapped store."""
        self._kv.load_optimizer_states(fname)

    # -- metering and the identity check -----------------------------------------------
    def _start_step(self):
        if self.check_every and self.steps % self.check_every == 0:
            self.check_identical()
        self.steps += 1

    def check_identical(self):
        """Check now that every worker holds the same parameters (all workers must call it).

        Raises
        ------
        ClusterError
            This worker's parameters differ from another worker's.
        """
        if self.params is None:
            raise ClusterError('Expected the parameters to check (AveragingKVStore.params); '
                               'found None. Pass params=lambda: list(net.collect_params()'
                               '.values()).')
        mine = parameter_digest(self.params())
        if not self._digest_ready:
            self._kv.init(DIGEST_KEY, mx.nd.zeros(DIGEST_SIZE))
            self._digest_ready = True
        total = mx.nd.zeros(DIGEST_SIZE)
        self._kv.pushpull(DIGEST_KEY, mx.nd.array(mine), out=total)
        total = total.asnumpy()
        if not onp.array_equal(total, mine * self.num_workers):
            raise ClusterError(f'Expected identical parameters on all {self.num_workers} '
                               f'workers after step {self.steps}; worker rank {self.rank} '
                               'differs from the others. Check that every worker runs the '
                               'same code, seed and kvstore type.')
        self.checks += 1

    def bytes_per_step(self):
        """``(pushed, pulled)``: the mean parameter bytes per step so far."""
        steps = max(self.steps, 1)
        return self.pushed / steps, self.pulled / steps
