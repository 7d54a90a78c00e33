"""The paper's protocol on small synthetic data, and ML-100K's canonical splits."""
import contextlib
import io

import numpy as onp
import pandas as pd
import pytest
from scipy import stats

from d2l_ext import DataNotFoundError
from d2l_ext.datasets.movielens import canonical_splits_ml100k, read_split_ml100k
from d2l_ext.datasets.registry import ML100K
from d2l_ext.lab.protocol import evaluate_split, holdout_splits, mean_ci, paper_lambda, run_protocol

SPLITS_ML100K = ML100K.folds

FAST = dict(num_hidden=16, batch_size=16, lr=0.02)


def synthetic_ratings(num_users=60, num_items=40, density=0.4, seed=0):
    """Low-rank ratings 1-5 with ids from 1, every user and item rated at least once."""
    rng = onp.random.default_rng(seed)
    u, v = rng.normal(size=(num_users, 2)), rng.normal(size=(num_items, 2))
    mask = rng.random((num_users, num_items)) < density
    mask[onp.arange(num_users), onp.arange(num_users) % num_items] = True
    users, items = onp.nonzero(mask)
    ratings = onp.clip(onp.rint(3 + (u[users] * v[items]).sum(1)), 1, 5).astype(int)
    return pd.DataFrame({'user_id': users + 1, 'item_id': items + 1, 'rating': ratings,
                         'timestamp': onp.arange(len(users))}), num_users, num_items


def test_mean_ci_is_students_t_interval():
    values = [0.88, 0.89, 0.87, 0.885, 0.895]
    mean, half = mean_ci(values)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=onp.mean(values),
                                 scale=stats.sem(values))
    assert mean == pytest.approx(onp.mean(values))
    assert half == pytest.approx((high - low) / 2)
    assert onp.isnan(mean_ci([0.9])[1])


def test_paper_lambda_rescales_wd():
    assert paper_lambda(1e-5, 1682, 943) == pytest.approx(31.72, abs=0.01)


def test_holdout_splits_partition_and_differ():
    data, nu, ni = synthetic_ratings()
    splits = holdout_splits(data, nu, ni, runs=3, seed=7)
    assert [name for name, _, _ in splits] == ['seed=7', 'seed=8', 'seed=9']
    for _, train, test in splits:
        assert len(train) + len(test) == len(data)
        assert set(train.index).isdisjoint(test.index)
        assert 0.05 < len(test) / len(data) < 0.15
    assert not splits[0][2].index.equals(splits[1][2].index)
    again = holdout_splits(data, nu, ni, runs=1, seed=7)[0][2]
    assert again.index.equals(splits[0][2].index)


def test_epoch_is_chosen_on_validation_never_on_test():
    data, nu, ni = synthetic_ratings()
    train, test = holdout_splits(data, nu, ni, runs=1)[0][1:]
    a = evaluate_split(train, test, nu, ni, 'item', num_epochs=12, patience=None,
                       refit=False, seed=3, **FAST)
    assert a.best_epoch == a.history.epoch[int(onp.argmin(a.history.val_rmse))]
    assert a.test_rmse == pytest.approx(a.history.best('test_rmse'))
    # another test set changes nothing that was chosen
    shuffled = test.assign(rating=onp.random.default_rng(0).integers(1, 6, len(test)))
    b = evaluate_split(train, shuffled, nu, ni, 'item', num_epochs=12, patience=None,
                       refit=False, seed=3, **FAST)
    assert (b.best_epoch, b.val_rmse) == (a.best_epoch, a.val_rmse)
    assert b.test_rmse != a.test_rmse


def test_refit_trains_best_epoch_epochs_on_all_training_data():
    data, nu, ni = synthetic_ratings()
    train, test = holdout_splits(data, nu, ni, runs=1)[0][1:]
    seen = []
    result = evaluate_split(train, test, nu, ni, 'user', num_epochs=30, patience=3, seed=1,
                            progress=lambda epoch, row: seen.append(('val_rmse' in row, epoch)),
                            **FAST)
    selection = [e for has_val, e in seen if has_val]
    refit = [e for has_val, e in seen if not has_val]
    assert selection == list(range(1, len(result.history) + 1))
    assert refit == list(range(1, result.best_epoch + 1))
    assert len(result.history) == result.best_epoch + 3 < 30  # patience stopped it
    assert onp.isfinite(result.test_rmse) and result.test_rmse != result.test_rmse_selected


def test_unseen_items_get_the_default_rating_and_predictions_are_clipped():
    data, nu, ni = synthetic_ratings()
    # item ni is never rated in training; its test ratings are all 3: predicted exactly
    train = data[data.item_id != ni]
    test = pd.DataFrame({'user_id': [1, 2, 3], 'item_id': [ni] * 3, 'rating': [3] * 3,
                         'timestamp': [0] * 3})
    for variant in ('item', 'user'):
        result = evaluate_split(train, test, nu, ni, variant, num_epochs=2, patience=None,
                                seed=0, **FAST)
        assert result.test_rmse == 0.0 and result.test_rmse_selected == 0.0


def test_run_protocol_picks_wd_on_the_first_split_validation():
    data, nu, ni = synthetic_ratings()
    splits = holdout_splits(data, nu, ni, runs=2)
    stream = io.StringIO()
    with contextlib.redirect_stderr(stream):
        result = run_protocol(splits, nu, ni, 'item', wd_grid=(1e-5, 1e-1), num_epochs=4,
                              patience=None, seed=0, progress='bar', **FAST)
    assert list(result.grid.wd) == [1e-5, 1e-1]
    assert result.wd == result.grid.wd[result.grid.val_rmse.idxmin()]
    assert result.grid['lambda'].tolist() == [paper_lambda(w, ni, nu) for w in (1e-5, 1e-1)]
    assert list(result.runs.split) == ['seed=0', 'seed=1']
    assert set(result.runs.wd) == {result.wd} and set(result.histories) == {'seed=0', 'seed=1'}
    bars = stream.getvalue()  # a progress bar per fit, named by split and weight decay
    for label in ('seed=0 wd=1e-05 select', 'seed=0 wd=0.1 refit', f'seed=1 wd={result.wd:g}'):
        assert label in bars
    summary = result.summary(dataset='toy', protocol='random', variant='item')
    for column in ('dataset', 'protocol', 'variant', 'runs', 'mean_rmse', 'ci95'):
        assert column in summary
    assert summary['runs'] == 2
    assert summary['mean_rmse'] == pytest.approx(result.runs.test_rmse.mean())


def test_canonical_folds_partition_u_data(real_data_dir):
    import d2l_ext as d2l
    data = d2l.read_data_ml100k(real_data_dir)[0]
    folds = canonical_splits_ml100k(data_dir=real_data_dir)
    assert [name for name, _, _ in folds] == ['u1', 'u2', 'u3', 'u4', 'u5']
    key = ['user_id', 'item_id', 'rating', 'timestamp']
    tests = pd.concat([test for _, _, test in folds])
    assert len(tests) == len(data) == 100_000
    assert not tests.duplicated(key).any()
    for _, train, test in folds:
        assert len(train) + len(test) == 100_000 and len(test) == 20_000
        both = pd.concat([train, test]).sort_values(key).reset_index(drop=True)
        assert both.equals(data.sort_values(key).reset_index(drop=True))
    ua_train, ua_test = read_split_ml100k('ua', real_data_dir)
    assert (ua_test.groupby('user_id').size() == 10).all() and len(ua_train) == 90_570


def test_split_names_and_missing_files(tmp_path, real_data_dir):
    with pytest.raises(ValueError, match='u1'):
        read_split_ml100k('u6', real_data_dir)
    assert SPLITS_ML100K == ('u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub')
    folder = tmp_path / 'ml-100k'
    folder.mkdir()
    (folder / 'u.data').symlink_to(real_data_dir / 'ml-100k' / 'u.data')  # checksum passes
    with pytest.raises(DataNotFoundError, match='u1.base'):
        read_split_ml100k('u1', tmp_path)


# --- Baselines over the same splits (like for like) -------------------------------------

from d2l_ext import InvalidArgumentError, masked_rmse  # noqa: E402
from d2l_ext.data import interaction_matrix  # noqa: E402
from d2l_ext.lab.baselines import (  # noqa: E402
    BiasFitter,
    MeanFitter,
    MFFitter,
    fit_bias,
    global_mean,
)
from d2l_ext.lab.protocol import POST, validation_split  # noqa: E402

MF_FAST = dict(num_factors=4, batch_size=64, lr=0.02)


def test_baselines_use_autorecs_validation_part_and_post_processing():
    data, nu, ni = synthetic_ratings()
    train, test = holdout_splits(data, nu, ni, runs=1)[0][1:]
    fit_part, val_part = validation_split(train, nu, ni, seed=4)
    again = validation_split(train, nu, ni, seed=4)[1]
    assert again.index.equals(val_part.index) and len(fit_part) + len(val_part) == len(train)
    fit_mat, val_mat, train_mat, test_mat = (interaction_matrix(f, nu, ni) for f in
                                             (fit_part, val_part, train, test))
    result = evaluate_split(train, test, nu, ni, fitter=BiasFitter(reg_item=1, reg_user=3),
                            seed=4)
    assert result.val_rmse == pytest.approx(masked_rmse(
        val_mat, fit_bias(fit_mat, 1, 3).predict(), train=fit_mat, **POST))
    assert result.test_rmse == pytest.approx(masked_rmse(  # refitted on all training data
        test_mat, fit_bias(train_mat, 1, 3).predict(), train=train_mat, **POST))
    assert result.best_epoch == 0 and result.history.epoch == []
    mean = evaluate_split(train, test, nu, ni, fitter=MeanFitter(), seed=4)
    expected = onp.sqrt(((test.rating - global_mean(train_mat)) ** 2).mean())
    assert mean.test_rmse == pytest.approx(expected) and onp.isnan(mean.wd)


def test_baselines_predict_the_default_rating_for_unseen_items():
    data, nu, ni = synthetic_ratings()
    train = data[data.item_id != ni]
    test = pd.DataFrame({'user_id': [1, 2, 3], 'item_id': [ni] * 3, 'rating': [3] * 3,
                         'timestamp': [0] * 3})
    for fitter in (MeanFitter(), BiasFitter(), MFFitter()):
        result = evaluate_split(train, test, nu, ni, fitter=fitter, num_epochs=2,
                                patience=None, progress=None, **(
                                    MF_FAST if isinstance(fitter, MFFitter) else {}))
        assert result.test_rmse == 0.0 and result.test_rmse_selected == 0.0, fitter


def test_bias_protocol_chooses_regs_on_the_first_split_validation():
    data, nu, ni = synthetic_ratings()
    splits = holdout_splits(data, nu, ni, runs=3)
    grid = [{'reg_item': a, 'reg_user': b} for a in (0, 5, 50) for b in (0, 5, 50)]
    result = run_protocol(splits, nu, ni, fitter=BiasFitter(), grid=grid, seed=0)
    assert len(result.grid) == 9 and set(result.grid.columns) == {'reg_item', 'reg_user',
                                                                  'best_epoch', 'val_rmse'}
    best = result.grid.loc[result.grid.val_rmse.idxmin()]
    assert result.params == {'reg_item': best.reg_item, 'reg_user': best.reg_user}
    first = evaluate_split(*splits[0][1:], nu, ni, fitter=BiasFitter(), seed=0,
                           **result.params)
    assert first.val_rmse == pytest.approx(best.val_rmse)
    assert list(result.runs.split) == ['seed=0', 'seed=1', 'seed=2']
    assert (result.runs.reg_item == best.reg_item).all() and result.histories == {}
    summary = result.summary(dataset='toy', protocol='random', variant='bias')
    assert summary['chosen'] == f'reg_item={best.reg_item:g}, reg_user={best.reg_user:g}'
    assert summary['mean_rmse'] == pytest.approx(result.runs.test_rmse.mean())


def test_mf_protocol_chooses_wd_then_epochs_per_split_and_refits():
    data, nu, ni = synthetic_ratings()
    splits = holdout_splits(data, nu, ni, runs=2)
    seen = []
    result = run_protocol(splits, nu, ni, fitter=MFFitter(), wd_grid=(1e-5, 1.0),
                          num_epochs=15, patience=3, seed=0,
                          progress=lambda epoch, row: seen.append(('val_rmse' in row, epoch)),
                          **MF_FAST)
    assert list(result.grid.wd) == [1e-5, 1.0]
    assert result.wd == result.grid.wd[result.grid.val_rmse.idxmin()]
    assert set(result.runs.wd) == {result.wd} and set(result.histories) == {'seed=0', 'seed=1'}
    for split, history in result.histories.items():
        best = int(result.runs.set_index('split').best_epoch[split])
        assert history.chosen_epoch == best and len(history) <= best + 3
    refits = sum(1 for has_val, epoch in seen if not has_val and epoch == 1)
    assert refits == 3  # one per wd tried on the first split, one for the second split
    assert result.summary()['chosen'] == f'wd={result.wd:g}'


def test_an_option_no_part_of_the_run_has_is_refused_with_the_known_ones():
    data, nu, ni = synthetic_ratings()
    with pytest.raises(InvalidArgumentError, match="'reg_item'"):
        run_protocol(holdout_splits(data, nu, ni, runs=1), nu, ni, fitter=BiasFitter(),
                     num_factors=3)


def test_results_are_immutable_records():
    import dataclasses
    data, nu, ni = synthetic_ratings()
    result = evaluate_split(*holdout_splits(data, nu, ni, runs=1)[0][1:], nu, ni,
                            fitter=MeanFitter(), name='only')
    assert result.split == 'only'
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.split = 'other'


def test_one_protocol_runs_autorec_and_the_baselines_alike():
    """The same validation part and the same post-processing for every fitter: the global
    mean scored by run_protocol is the mean of the fit part, scored with POST."""
    data, nu, ni = synthetic_ratings()
    splits = holdout_splits(data, nu, ni, runs=1)
    fit_part, val_part = validation_split(splits[0][1], nu, ni, seed=0)
    fit_mat, val_mat = (interaction_matrix(f, nu, ni) for f in (fit_part, val_part))
    result = run_protocol(splits, nu, ni, fitter=MeanFitter())
    expected = masked_rmse(val_mat, onp.full(val_mat.shape, global_mean(fit_mat), 'float32'),
                           train=fit_mat, **POST)
    assert result.runs.val_rmse[0] == expected and result.grid.empty
    assert onp.isnan(result.wd) and result.summary()['chosen'] == '-'
