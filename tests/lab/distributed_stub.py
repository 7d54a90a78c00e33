"""A minimal parameter-server worker for the launcher's fault tests.

``python distributed_stub.py MODE STEPS``: connects with ``dist_sync`` through
:class:`AveragingKVStore`, prints the READY line, then pushes and pulls one small key
``STEPS`` times (50 ms apart), checking the replicas at the end. ``MODE`` is ``same``
(every worker holds the same parameters) or ``diverge`` (each worker's depend on its
rank, so the identity check must fail).
"""
import sys
import time

import d2l_ext  # noqa: F401  (before MXNet, which imports on NumPy 2 only after it)

# isort: split
import mxnet as mx

from d2l_ext.lab.distributed.kvstore import AveragingKVStore
from d2l_ext.lab.distributed.launcher import READY

mode, steps = sys.argv[1], int(sys.argv[2])
kv = AveragingKVStore(mx.kv.create('dist_sync'))
print(f'{READY}: rank {kv.rank}', flush=True)
weight = mx.nd.ones(4) * (kv.rank + 1 if mode == 'diverge' else 1)
kv.params = lambda: [weight]
kv.init(0, mx.nd.zeros(4))
for _ in range(steps):
    grad = mx.nd.ones(4) * (kv.rank + 1)
    kv.pushpull(0, grad)
    grad.wait_to_read()
    time.sleep(0.05)
kv.check_identical()
print(f'stub done: mean gradient {grad.asnumpy()[0]:.2f}, '
      f'{kv.pushed} bytes pushed in {kv.steps} steps', flush=True)
