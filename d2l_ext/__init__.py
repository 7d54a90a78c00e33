"""d2l_ext: AutoRec in MXNet/Gluon with d2l-compatible helpers, correct on CPU-only machines.

Use it in place of d2l's MXNet module in the chapter's code::

    import d2l_ext as d2l

The package has three layers:

- the chapter, at the top: :mod:`.model` (the ``AutoRec`` Block), :mod:`.evaluation`
  (the ``evaluator`` and the one masked RMSE), :mod:`.training` (``train_recsys_rating``
  on the one epoch loop), :mod:`.history`, :mod:`.plotting`, :mod:`.data` (d2l's
  MovieLens helpers), :mod:`.devices`, :mod:`.errors`, :mod:`.reproducibility`;
- :mod:`.datasets`: where ratings come from (find, verify, download; the data-set table;
  your own ratings files);
- :mod:`.lab`: everything beyond the chapter (fitting with validation data, variants, the
  fast path, baselines, the paper's protocol, data summaries, the ``reproduce`` tool).

Importing has one side effect, :mod:`._compat`, which runs first: on NumPy >= 1.24 it adds
back to ``numpy`` the removed names MXNet 1.9.1 reads at import (it replaces none), so that
``import d2l_ext as d2l`` works on Python 3.11-3.13 and NumPy 1.23-2.x. Import ``d2l_ext``
before ``mxnet``. Nothing is seeded, configured or downloaded.
"""
from . import _compat  # noqa: F401  (first: before any module imports mxnet)
from .data import interaction_matrix, load_data_ml100k, read_data_ml100k, split_data_ml100k
from .datasets.movielens import read_data_ml1m
from .datasets.ratings import IdMap, read_ratings, remap_ids
from .datasets.registry import DATA_HUB
from .devices import get_dataloader_workers, num_gpus, try_all_gpus, try_gpu
from .errors import (
    D2LExtError,
    DataChecksumError,
    DataFormatError,
    DataNotFoundError,
    DeviceError,
    EmptyDataError,
    InvalidArgumentError,
    ShapeMismatchError,
    UnsafeArchiveError,
)
from .evaluation import evaluator, masked_rmse, predict
from .history import History
from .model import AutoRec, mask_unobserved
from .plotting import plot_history, plot_runs, show_figure
from .reproducibility import set_seed
from .training import run_epochs, train_recsys_rating

__all__ = ['AutoRec', 'DATA_HUB', 'D2LExtError', 'DataChecksumError', 'DataFormatError',
           'DataNotFoundError', 'DeviceError', 'EmptyDataError', 'History', 'IdMap',
           'InvalidArgumentError', 'ShapeMismatchError', 'UnsafeArchiveError', 'evaluator',
           'get_dataloader_workers', 'interaction_matrix', 'load_data_ml100k',
           'mask_unobserved', 'masked_rmse', 'num_gpus', 'plot_history', 'plot_runs',
           'predict', 'read_data_ml100k', 'read_data_ml1m', 'read_ratings', 'remap_ids',
           'run_epochs', 'set_seed', 'show_figure', 'split_data_ml100k',
           'train_recsys_rating', 'try_all_gpus', 'try_gpu']
