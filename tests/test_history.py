"""History: one record per epoch, for the chapter's loop and the lab's fitters alike."""
import math

import pytest

from d2l_ext.history import History


def make(rows, chosen_epoch=None):
    history = History(chosen_epoch=chosen_epoch)
    for epoch, row in enumerate(rows, start=1):
        history.append(epoch, **row)
    return history


def test_columns_are_the_tracked_ones_in_order():
    h = make([{'train_loss': 1.0, 'test_rmse': 0.9, 'seconds': 0.1}])
    assert h.columns == ['train_loss', 'test_rmse', 'seconds']
    assert h.val_rmse == [] and len(h) == 1


def test_best_is_the_chosen_epoch_or_the_last():
    rows = [{'train_loss': 1.0, 'val_rmse': v, 'seconds': 0.1} for v in (0.9, 0.8, 0.85)]
    assert make(rows, chosen_epoch=2).best('val_rmse') == 0.8
    assert make(rows).best('val_rmse') == 0.85


def test_every_epoch_must_record_the_same_columns():
    h = make([{'train_loss': 1.0, 'test_rmse': 0.9}])
    with pytest.raises(KeyError, match='same ones'):
        h.append(2, train_loss=1.0)
    with pytest.raises(KeyError, match='Unknown'):
        h.append(2, train_loss=1.0, accuracy=0.5)


def test_frame_round_trip():
    rows = [{'train_loss': 1.0 / e, 'train_rmse': 1.0, 'val_rmse': 0.9, 'test_rmse': 0.95,
             'seconds': 0.2} for e in range(1, 4)]
    h = make(rows)
    frame = h.to_frame()
    assert list(frame.columns) == h.columns and list(frame.index) == [1, 2, 3]
    back = History.from_frame(frame)
    assert back.columns == h.columns and back.train_loss == h.train_loss


def test_truncate_drops_a_partly_recorded_epoch():
    h = make([{'train_loss': 1.0, 'test_rmse': 0.9}])
    h.epoch.append(2)
    h.train_loss.append(0.5)  # interrupted before test_rmse was appended
    h.truncate()
    assert h.epoch == [1] and h.train_loss == [1.0] and h.test_rmse == [0.9]


def test_repr_names_the_last_values():
    h = make([{'train_loss': 0.5, 'test_rmse': 0.9, 'seconds': 1.5}])
    assert repr(h) == 'History(1 epochs: train loss 0.500, test RMSE 0.900, 1.5 s)'
    assert repr(History()) == 'History(no epoch completed)'
    assert math.isclose(sum(h.seconds), 1.5)


def test_best_epoch_is_the_first_lowest_finite_value():
    rows = [{'train_loss': 1.0, 'val_rmse': v} for v in (0.9, 0.8, 0.8, 0.85)]
    h = make(rows)
    assert h.best_epoch('val_rmse') == 2  # the first of equal values, as EarlyStopping
    assert h.best_epoch('train_loss') == 1
    diverged = make([{'train_loss': 1.0, 'val_rmse': v}
                     for v in (0.9, float('nan'), 0.7, float('inf'))])
    assert diverged.best_epoch('val_rmse') == 3
    assert make([{'train_loss': 1.0, 'val_rmse': float('nan')}]).best_epoch('val_rmse') is None


def test_best_epoch_agrees_with_early_stopping():
    from d2l_ext.training import EarlyStopping
    scores = [0.95, 0.9, 0.91, 0.9, 0.89, 0.89, 0.92]
    h = make([{'train_loss': 1.0, 'val_rmse': v} for v in scores])
    assert h.best_epoch('val_rmse') == EarlyStopping.replay(scores, patience=None)[1] == 5


def test_best_epoch_names_what_was_tracked():
    from d2l_ext.errors import InvalidArgumentError
    h = make([{'train_loss': 1.0, 'test_rmse': 0.9}])
    with pytest.raises(InvalidArgumentError, match=r"did not track 'val_rmse'.*'test_rmse'"):
        h.best_epoch('val_rmse')
    with pytest.raises(KeyError, match='Unknown'):
        h.best_epoch('accuracy')


def test_the_chosen_epoch_cannot_be_overwritten_by_the_method_name():
    h = make([{'train_loss': 1.0, 'val_rmse': 0.9}])
    with pytest.raises(AttributeError):
        h.best_epoch = 1  # the chosen epoch is `chosen_epoch`; best_epoch is a method
