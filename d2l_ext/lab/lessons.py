"""What the lab's notebooks share: settings checked against their reference values, and the
train / validation / test preparation.

Each notebook has a ``settings`` dict a student may change and a ``REFERENCE`` copy of the
values its stored outputs were made with; value checks (asserts on printed numbers) hold at
the reference only. :func:`at_reference` says which case applies.

:func:`three_way_split` is the preparation of notebooks 04-07: a random 90/10 split into
training and test ratings, then 10% of the training ratings held out for validation, and the
interaction matrices of every part.
"""
from dataclasses import dataclass

from ..data import interaction_matrix, split_data_ml100k

__all__ = ['at_reference', 'Split', 'three_way_split']


def at_reference(settings, reference):
    """True when ``settings`` equal ``reference``; otherwise print that checks are skipped.

    Parameters
    ----------
    settings, reference : dict
        The notebook's settings and the values its stored outputs were made with.
    """
    if settings != reference:
        changed = sorted(k for k in set(settings) | set(reference)
                         if settings.get(k) != reference.get(k))
        print(f'note: settings differ from REFERENCE ({", ".join(changed)}), so the value '
              f'checks are skipped')
    return settings == reference


@dataclass
class Split:
    """Ratings split three ways, and their interaction matrices.

    Attributes
    ----------
    train, test, fit, val : pandas.DataFrame
        ``train`` = ``fit`` + ``val``; ``test`` is held out from the start.
    matrices : dict of str to dict of str to numpy.ndarray
        ``matrices[variant][part]`` for the requested variants (``'item'``: shape
        ``(num_items, num_users)``; ``'user'``: its transpose) and parts ``'train', 'fit',
        'val', 'test'``; float32, 0 = unobserved.
    num_users, num_items : int
    """

    train: object
    test: object
    fit: object
    val: object
    matrices: dict
    num_users: int
    num_items: int

    def __getitem__(self, part):
        """The item-based matrix of a part: ``split['fit']``."""
        return self.matrices['item'][part]


def three_way_split(data, num_users, num_items, seed=0, *, test_ratio=0.1, val_ratio=0.1,
                    variants=('item',)):
    """Split ratings into fit / validation / test parts, as notebooks 04-07 do.

    The test part is ``split_data_ml100k(data, ..., test_ratio, seed=seed)``'s; the
    validation part is ``val_ratio`` of the rest, drawn with ``seed + 1``.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings, ids from 1.
    num_users, num_items : int
    seed : int, default 0
    test_ratio, val_ratio : float, default 0.1
    variants : tuple of {'item', 'user'}, default ('item',)
        Which interaction matrices to build.

    Returns
    -------
    Split
    """
    train, test = split_data_ml100k(data, num_users, num_items, 'random', test_ratio,
                                    seed=seed)
    fit, val = split_data_ml100k(train, num_users, num_items, 'random', val_ratio,
                                 seed=seed + 1)
    parts = {'train': train, 'fit': fit, 'val': val, 'test': test}
    matrices = {variant: {name: interaction_matrix(frame, num_users, num_items, variant)
                          for name, frame in parts.items()} for variant in variants}
    return Split(train, test, fit, val, matrices, num_users, num_items)
