"""The lessons' figures, by concept, so that a notebook cell that makes a plot shows the
plot and not a wall of plotting code.

- :mod:`.data`: the ratings themselves (distribution, long tail, the interaction matrix);
- :mod:`.curves`: runs against the epoch (seeds, overfitting, sweeps, widths);
- :mod:`.protocol`: models compared on a split, and over the paper's repeated splits;
- :mod:`.scaling`: memory and time of dense and sparse storage.

Every function returns a ``matplotlib.figure.Figure`` (not registered with pyplot): a
notebook shows it with :func:`d2l_ext.show_figure` or as a cell's value, a script
``savefig``s it. The general figures of a run are :func:`d2l_ext.plot_history` and
:func:`d2l_ext.plot_runs`. Every name below is also reachable as ``figures.NAME``.
"""
from .curves import (
    plot_overfitting,
    plot_seed_curves,
    plot_sweep,
    plot_validation_curves,
    plot_width_sweep,
)
from .data import interaction_corner_figure, long_tail_figure, rating_distribution_figure
from .protocol import plot_baselines, plot_protocol_bands
from .scaling import plot_scaling

__all__ = ['rating_distribution_figure', 'long_tail_figure', 'interaction_corner_figure',
           'plot_seed_curves', 'plot_overfitting', 'plot_sweep', 'plot_validation_curves',
           'plot_width_sweep', 'plot_baselines', 'plot_protocol_bands', 'plot_scaling']
