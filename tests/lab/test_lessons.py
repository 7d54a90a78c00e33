"""The notebooks' shared preparation: reference checks and the three-way split."""
import numpy as onp

from d2l_ext.lab.lessons import at_reference, three_way_split
from tests.conftest import low_rank_ratings


def test_at_reference_says_which_settings_changed(capsys):
    assert at_reference({'a': 1, 'b': 2}, {'a': 1, 'b': 2})
    assert capsys.readouterr().out == ''
    assert not at_reference({'a': 1, 'b': 3}, {'a': 1, 'b': 2})
    assert '(b)' in capsys.readouterr().out


def test_three_way_split_partitions_the_ratings_and_builds_every_matrix():
    data, nu, ni = low_rank_ratings()
    split = three_way_split(data, nu, ni, seed=0, variants=('item', 'user'))
    assert len(split.fit) + len(split.val) + len(split.test) == len(data)
    assert len(split.fit) + len(split.val) == len(split.train)
    item, user = split.matrices['item'], split.matrices['user']
    assert item['fit'].shape == (ni, nu) and user['fit'].shape == (nu, ni)
    onp.testing.assert_array_equal(item['val'], user['val'].T)
    assert ((item['fit'] != 0) & (item['val'] != 0)).sum() == 0
    assert split['test'] is item['test']
