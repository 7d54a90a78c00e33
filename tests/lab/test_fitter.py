"""The one fitter interface: every model fitted, scored and predicted the same way; bad
matrices refused before the first step; sharding and kvstore for data-parallel training."""
import dataclasses

import mxnet as mx
import numpy as onp
import pytest
from mxnet import npx
from scipy import sparse

import d2l_ext as d2l
from d2l_ext.data import interaction_matrix
from d2l_ext.lab.baselines import BiasFitter, MeanFitter, MFFitter, fit_bias, global_mean
from d2l_ext.lab.fitting import AutoRecFitter, EvalConfig, FitConfig, fit_autorec
from tests.conftest import low_rank_ratings

npx.set_np()

FITTERS = [AutoRecFitter(num_hidden=8), MFFitter(num_factors=4), BiasFitter(), MeanFitter()]
QUICK = FitConfig(num_epochs=2, batch_size=32, lr=0.01, seed=0)


def _matrices():
    data, nu, ni = low_rank_ratings()
    train, test = d2l.split_data_ml100k(data, nu, ni, seed=0)
    return interaction_matrix(train, nu, ni), interaction_matrix(test, nu, ni)


@pytest.mark.parametrize('fitter', FITTERS, ids=lambda f: type(f).__name__)
def test_every_fitter_returns_a_frozen_result_whose_predictions_give_its_scores(fitter):
    train, test = _matrices()
    result = fitter.fit(train, {'test': test}, QUICK, EvalConfig(progress=None))
    pred = result.predict()
    assert pred.shape == train.shape and pred.dtype == onp.float32
    assert result.best('test_rmse') == pytest.approx(d2l.masked_rmse(test, pred), rel=1e-6)
    assert result.best('train_rmse') == pytest.approx(d2l.masked_rmse(train, pred), rel=1e-6)
    assert len(result.history) == (2 if fitter.has_epochs else 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.best_epoch = 3
    with pytest.raises(TypeError):
        result.scores['test_rmse'] = 0.0


@pytest.mark.parametrize('fitter', FITTERS, ids=lambda f: type(f).__name__)
def test_every_fitter_takes_csr_matrices_and_gives_the_dense_scores(fitter):
    train, test = _matrices()
    dense = fitter.fit(train, {'test': test}, QUICK, EvalConfig(progress=None))
    csr = fitter.fit(sparse.csr_matrix(train), {'test': sparse.csr_matrix(test)},
                     dataclasses.replace(QUICK, storage='sparse'), EvalConfig(progress=None))
    assert csr.best('test_rmse') == pytest.approx(dense.best('test_rmse'), rel=1e-5)


def test_closed_form_fitters_are_the_baseline_functions():
    train, _ = _matrices()
    assert MeanFitter().fit(train).net == global_mean(train)
    onp.testing.assert_array_equal(BiasFitter(reg_item=2, reg_user=3).fit(train).predict(),
                                   fit_bias(train, 2, 3).predict())


@pytest.mark.parametrize('bad, where', [(onp.nan, 'nan'), (onp.inf, 'inf'), (-2.0, '-2.0')])
@pytest.mark.parametrize('storage', ['dense', 'csr'])
@pytest.mark.parametrize('fitter', FITTERS, ids=lambda f: type(f).__name__)
def test_bad_ratings_are_refused_before_the_first_step(fitter, storage, bad, where):
    train, test = _matrices()
    row, col = map(int, onp.argwhere(train != 0)[3])
    train = train.copy()
    train[row, col] = bad
    if storage == 'csr':
        train = sparse.csr_matrix(train)
    seen = []
    with pytest.raises(d2l.DataFormatError) as info:
        fitter.fit(train, {'test': test}, QUICK,
                   EvalConfig(progress=lambda epoch, row: seen.append(epoch)))
    message = str(info.value)
    assert 'training matrix' in message and f'[{row}, {col}]' in message and where in message
    assert seen == []  # not one epoch ran


def test_a_bad_held_out_matrix_and_a_stored_zero_are_named():
    train, test = _matrices()
    held = test.copy()
    held[0, 0] = onp.nan
    with pytest.raises(d2l.DataFormatError, match=r"evals\['val'\] matrix .*\[0, 0\]"):
        fit_autorec(train, {'val': held}, num_epochs=1, progress=None)
    coded = sparse.csr_matrix(([0.0, 4.0], ([2, 3], [1, 1])), shape=train.shape)
    with pytest.raises(d2l.DataFormatError, match=r'stored 0.*\[2, 1\]'):
        MeanFitter().fit(coded)


def test_autorec_trains_on_a_shard_of_rows_and_scores_every_row():
    train, test = _matrices()
    shard = onp.arange(0, train.shape[0], 2)
    fitter = AutoRecFitter(num_hidden=8, train_rows=shard)
    result = fitter.fit(train, {'test': test}, QUICK, EvalConfig(progress=None))
    whole = AutoRecFitter(num_hidden=8).fit(train, {'test': test}, QUICK,
                                            EvalConfig(progress=None))
    assert result.history.train_loss != whole.history.train_loss  # fewer rows trained
    assert result.predict().shape == train.shape  # every row still reconstructed
    assert result.best('test_rmse') == pytest.approx(
        d2l.masked_rmse(test, result.predict()), rel=1e-6)


def test_autorec_passes_the_kvstore_to_the_trainer():
    train, test = _matrices()
    config = dataclasses.replace(QUICK, kvstore=mx.kv.create('local'))
    result = AutoRecFitter(num_hidden=8).fit(train, {'test': test}, config,
                                             EvalConfig(progress=None))
    reference = AutoRecFitter(num_hidden=8).fit(train, {'test': test}, QUICK,
                                                EvalConfig(progress=None))
    assert result.history.test_rmse == pytest.approx(reference.history.test_rmse, rel=1e-5)


def test_reconstruct_a_new_users_ratings_from_a_user_based_net():
    train, _ = _matrices()
    users = onp.ascontiguousarray(train.T)          # U-AutoRec: users as rows
    result = AutoRecFitter(num_hidden=8).fit(users, None, QUICK, EvalConfig(progress=None))
    mine = onp.zeros(users.shape[1], dtype=onp.float32)
    mine[[0, 3]] = 5
    scores = result.reconstruct(mine)
    assert scores.shape == mine.shape and onp.isfinite(scores).all()
    onp.testing.assert_allclose(result.reconstruct(users[:2]), result.predict()[:2],
                                rtol=1e-5, atol=1e-6)


def test_num_hiddens_still_works_with_a_deprecation_warning():
    train, test = _matrices()
    with pytest.warns(DeprecationWarning, match='num_hidden'):
        result = fit_autorec(train, {'test': test}, num_hiddens=6, num_epochs=1,
                             progress=None)
    assert result.net.encoder.weight.shape[0] == 6
    with pytest.raises(d2l.InvalidArgumentError, match='num_hidden'):
        fit_autorec(train, {'test': test}, num_hiden=6)
