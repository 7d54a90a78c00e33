"""The lab notebooks' figures, so that a notebook cell that makes a plot shows the plot and
not a wall of plotting code.

Every function returns a ``matplotlib.figure.Figure`` (not registered with pyplot): a notebook
shows it with :func:`d2l_ext.show_figure` or as a cell's value, a script ``savefig``s it. Runs'
curves are drawn with :func:`d2l_ext.plot_runs` and :func:`d2l_ext.plot_history`; the
figures here are the ones particular to one lesson. Sections follow the notebooks.
"""

__all__ = []


# --- 01-data ----------------------------------------------------------------------------
#
#
#
#


# --- 02-autorec and 03-item-vs-user, 04-overfitting -------------------------------------
#
#
#
#


# --- 05-baselines, 06-exercises, 07-paper-protocol --------------------------------------
#
#
#
#
