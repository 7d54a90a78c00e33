"""d2l_ext: AutoRec in MXNet/Gluon with d2l-compatible helpers, correct on CPU-only machines.

Use it in place of d2l's MXNet module in the chapter's code::

    import d2l_ext as d2l

Importing has no side effects: nothing is seeded, configured or downloaded.
"""
from .devices import get_dataloader_workers, num_gpus, try_all_gpus, try_gpu
from .download import DATA_HUB
from .data import load_data_ml100k, read_data_ml100k, split_data_ml100k
from .errors import (D2LExtError, DataChecksumError, DataFormatError, DataNotFoundError,
                     DeviceError, EmptyDataError, InvalidArgumentError, ShapeMismatchError,
                     UnsafeArchiveError)
from .evaluation import evaluator, masked_rmse, predict
from .model import AutoRec
from .plotting import plot_history, show_figure
from .ratings import IdMap, read_ratings, remap_ids
from .reproducibility import set_seed
from .training import History, train_recsys_rating

__all__ = ['AutoRec', 'DATA_HUB', 'D2LExtError', 'DataChecksumError', 'DataFormatError',
           'DataNotFoundError', 'DeviceError', 'EmptyDataError', 'History', 'IdMap',
           'InvalidArgumentError', 'ShapeMismatchError', 'UnsafeArchiveError', 'read_ratings',
           'remap_ids', 'evaluator', 'get_dataloader_workers',
           'load_data_ml100k', 'masked_rmse', 'num_gpus', 'plot_history', 'predict',
           'read_data_ml100k', 'set_seed', 'show_figure', 'split_data_ml100k',
           'train_recsys_rating', 'try_all_gpus', 'try_gpu']
