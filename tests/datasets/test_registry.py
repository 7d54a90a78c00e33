"""The data-set table, and the folds located and verified once per run."""
import pytest

import d2l_ext as d2l
from d2l_ext.datasets import movielens
from d2l_ext.datasets.registry import DATASETS, ML1M, ML10M, ML100K, get_spec


def test_one_table_names_every_data_set_with_its_layout():
    assert DATASETS == {'ml-100k': ML100K, 'ml-1m': ML1M, 'ml-10m': ML10M}
    assert ML100K.sep == '\t' and ML1M.sep == '::' and ML10M.sep == '::'
    assert ML10M.folder_name == 'ml-10M100K' and min(ML10M.rating_scale) == 0.5
    assert ML100K.folds[:5] == ('u1', 'u2', 'u3', 'u4', 'u5') and ML1M.folds == ()
    assert ML100K.archive_hash == ('sha1', d2l.DATA_HUB['ml-100k'][1])
    assert get_spec('ml-1m') is ML1M


def test_unknown_data_set_is_a_clear_error():
    with pytest.raises(d2l.InvalidArgumentError, match="expected one of"):
        get_spec('ml-20m')


def test_folds_are_located_and_verified_once(real_data_dir, monkeypatch):
    calls = []
    real = movielens.find_dataset
    monkeypatch.setattr(movielens, 'find_dataset',
                        lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    folds = movielens.canonical_splits_ml100k(data_dir=real_data_dir)
    assert [name for name, _, _ in folds] == ['u1', 'u2', 'u3', 'u4', 'u5']
    assert len(calls) == 1


def test_unknown_fold_names_are_refused_before_any_search(monkeypatch):
    monkeypatch.setattr(movielens, 'find_dataset', lambda *a, **k: pytest.fail('searched'))
    with pytest.raises(d2l.InvalidArgumentError, match="u6"):
        movielens.canonical_splits_ml100k(('u1', 'u6'))


def test_data_dir_that_is_a_file_says_it_must_be_a_folder(tmp_path):
    not_a_folder = tmp_path / 'u.data'
    not_a_folder.write_text('1\t1\t5\t0\n')
    with pytest.raises(d2l.InvalidArgumentError, match='must be a folder'):
        d2l.read_data_ml100k(data_dir=not_a_folder)
