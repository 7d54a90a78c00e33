"""08-scaling's figure (the section '# --- 08-scaling ---' of d2l_ext.lab.figures)."""
import math

import pandas as pd

from d2l_ext.lab.figures import plot_scaling


def test_plot_scaling_draws_measured_and_computed_memory_and_time():
    frame = pd.DataFrame([
        dict(shape='a', ratings=1e6, storage='dense', status='measured', peak_mb=800,
             epoch_s=9.0),
        dict(shape='a', ratings=1e6, storage='sparse', status='measured', peak_mb=820,
             epoch_s=8.0),
        dict(shape='b', ratings=1e7, storage='dense', status='computed', peak_mb=15000,
             epoch_s=math.nan),
        dict(shape='b', ratings=1e7, storage='sparse', status='measured', peak_mb=2000,
             epoch_s=90.0)])
    fig = plot_scaling(frame)
    ax_mem, ax_time = fig.axes
    labels = [t.get_text() for t in ax_mem.get_legend().get_texts()]
    assert {'dense', 'sparse', 'dense, computed', 'machine (24 GB)',
            'target (4 GB)'} <= set(labels)
    dense_line = ax_mem.get_lines()[0]
    assert list(dense_line.get_ydata()) == [800 / 1024, 15000 / 1024]
    timed = {l.get_label(): list(l.get_xdata()) for l in ax_time.get_lines()}
    assert timed['dense'] == [1e6] and timed['sparse'] == [1e6, 1e7]
    assert ax_mem.get_yscale() == 'log' and ax_time.get_xscale() == 'log'
    assert [t.get_text() for t in ax_mem.texts].count('b') == 2


def test_plot_scaling_marks_extrapolated_epochs():
    frame = pd.DataFrame([
        dict(shape='a', ratings=1e6, storage='sparse', status='measured', peak_mb=800,
             epoch_s=5.0, method='one full epoch'),
        dict(shape='n', ratings=1e8, storage='sparse', status='measured', peak_mb=13000,
             epoch_s=2000.0, method='extrapolated: 3 train batches')])
    ax_time = plot_scaling(frame).axes[1]
    lines = {l.get_label(): list(l.get_xdata()) for l in ax_time.get_lines()}
    assert lines['sparse, extrapolated'] == [1e8] and lines['sparse'] == [1e6, 1e8]
