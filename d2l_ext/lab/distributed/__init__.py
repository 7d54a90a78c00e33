"""Data-parallel AutoRec on MXNet's parameter server (kvstore ``dist_sync``/``dist_async``).

- :mod:`.launcher`: start a scheduler, servers and workers on 127.0.0.1, prefix their
  output, stop them all on success, failure or Ctrl-C (no MXNet import);
- :mod:`.worker`: what every worker runs: its shard of the rows, the lab's one fitter,
  the chapter's Block;
- :mod:`.kvstore`: the kvstore the workers' ``gluon.Trainer`` uses: averages the summed
  gradients, counts bytes, checks that every worker holds the same parameters;
- :mod:`.traffic`: bytes per step for a model's shape, dense, ``row_sparse`` or
  item-sharded;
- ``python -m d2l_ext.lab.distributed --workers 2 --servers 1 --dataset ml-100k``: the
  launcher from a terminal.

Importing this package imports none of its modules.
"""
