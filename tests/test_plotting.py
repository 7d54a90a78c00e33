"""Figures of runs, drawn once or live, and the terminal's progress bar."""
import io

import pytest

import d2l_ext as d2l
from d2l_ext.history import History
from d2l_ext.plotting import LiveFigure, ProgressBar, make_reporter, plot_runs


def lab_history(n=5, best=3):
    h = History(chosen_epoch=best)
    for e in range(1, n + 1):
        h.append(e, train_loss=1 / e, train_rmse=1 - e / 20, val_rmse=0.9 + abs(e - best) / 50,
                 test_rmse=0.95 + abs(e - best) / 50, seconds=0.1)
    return h


def test_plot_history_draws_every_tracked_rmse_and_the_chosen_epoch():
    fig = d2l.plot_history(lab_history())
    ax_loss, ax_rmse = fig.axes
    labels = [line.get_label() for line in ax_rmse.get_lines()]
    assert labels[:3] == ['train RMSE', 'validation RMSE', 'test RMSE']
    assert any('epoch 3' in label for label in labels)


def test_plot_runs_draws_one_line_and_one_star_per_run():
    fig = plot_runs({'a': lab_history(best=2), 'b': lab_history(best=4)}, 'sweep')
    [ax] = fig.axes
    assert len(ax.get_lines()) == 4
    assert 'a (best epoch 2' in ax.get_legend().get_texts()[0].get_text()


def test_progress_bar_shows_the_latest_numbers():
    stream = io.StringIO()
    bar = ProgressBar(5, 'u1', stream=stream)
    h = lab_history(2)
    bar.update(h)
    bar.close(h)
    text = stream.getvalue()
    assert 'u1' in text and '1/5' in text and 'validation=' in text


def test_live_figure_displays_once_then_updates(monkeypatch):
    calls = []

    class Handle:
        def update(self, obj):
            calls.append('update')

    import IPython.display
    monkeypatch.setattr(IPython.display, 'display',
                        lambda obj, display_id=None: calls.append('display') or Handle())
    live, h = LiveFigure('t'), History()
    for e in range(1, 4):
        h.append(e, train_loss=1.0, test_rmse=0.9)
        live.update(h)
    assert calls == ['display', 'update', 'update'] and live.updates == 3


def test_make_reporter_choices():
    assert make_reporter(None, 3) is None and make_reporter(False, 3) is None
    assert make_reporter('auto', 3) is None  # neither a notebook nor a terminal here
    assert isinstance(make_reporter('figure', 3), LiveFigure)
    seen = []
    reporter = make_reporter(lambda epoch, row: seen.append((epoch, row)), 3)
    reporter.update(lab_history(1, best=1))
    assert seen[0][0] == 1 and 'val_rmse' in seen[0][1]
    with pytest.raises(d2l.InvalidArgumentError, match='progress must be'):
        make_reporter('loud', 3)


def test_plot_runs_keeps_an_outlier_visible_and_survives_a_diverged_run():
    good, bad = lab_history(best=3), History()
    for e, v in enumerate([1.6, 1.3, 1.22, 1.25], start=1):
        bad.append(e, train_loss=1.0, val_rmse=v)
    diverged = History()
    for e, v in enumerate([1.0, float('nan')], start=1):
        diverged.append(e, train_loss=1.0, val_rmse=v)
    fig = plot_runs({'good': good, 'bad': bad, 'diverged': diverged}, 'sweep',
                    styles={'bad': '--'})
    [ax] = fig.axes
    low, high = ax.get_ylim()
    assert low < 0.9 and high > 1.22  # every star in range
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ['good (best epoch 3: 0.900)', 'bad (best epoch 3: 1.220)',
                      'diverged (best epoch 1: 1.000)']
    assert [line.get_linestyle() for line in ax.get_lines()[::2]] == ['-', '--', '-']
    assert plot_runs({'good': good}, 'capped', ymax=1.5).axes[0].get_ylim()[1] == 1.5


def test_plot_runs_refuses_runs_without_a_finite_value():
    nan = History()
    nan.append(1, train_loss=1.0, val_rmse=float('nan'))
    with pytest.raises(d2l.EmptyDataError, match='finite'):
        plot_runs({'nan': nan}, 'sweep')
