"""The figure of the scaling study: memory and time of dense and sparse storage.

Drawn from ``benchmarks/scaling.csv`` by notebook 09 and by ``benchmarks/scaling.py``.
"""
from matplotlib.figure import Figure

__all__ = ['plot_scaling']


def plot_scaling(frame, *, machine_gb=24, target_gb=4):
    """Peak memory and seconds per epoch of dense and sparse storage, against ratings.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``benchmarks/scaling.csv``: one row per (shape, storage) with ``shape, ratings,
        storage`` ('dense' or 'sparse'), ``status`` ('measured' or 'computed'),
        ``peak_mb`` and ``epoch_s`` (NaN where not run).
    machine_gb, target_gb : float
        Drawn as horizontal lines on the memory panel (the machine's memory, and a small
        laptop's for comparison).

    Returns
    -------
    matplotlib.figure.Figure
        Left: peak memory (GB, log scale); computed values are hollow markers. Right:
        seconds per epoch of the runs that were measured; extrapolated ones hollow.
    """
    fig = Figure(figsize=(10, 3.8), layout='constrained')
    ax_mem, ax_time = fig.subplots(1, 2)
    # Dense squares are drawn larger, so that equal values of the two stay visible.
    styles = {'dense': dict(color='C3', marker='s', markersize=9),
              'sparse': dict(color='C0', marker='o', markersize=5)}
    for storage, style in styles.items():
        part = frame[frame.storage == storage]
        if part.empty:
            continue
        hollow = dict(style, linestyle='none', markerfacecolor='white', markersize=10)
        ax_mem.loglog(part.ratings, part.peak_mb / 1024, '-', label=storage, **style)
        computed = part[part.status == 'computed']
        if len(computed):
            ax_mem.loglog(computed.ratings, computed.peak_mb / 1024,
                          label=f'{storage}, computed', **hollow)
        timed = part[(part.status == 'measured') & part.epoch_s.notna()]
        ax_time.loglog(timed.ratings, timed.epoch_s, '-', label=storage, **style)
        guessed = timed[timed['method'].astype(str).str.startswith('extrapolated')] \
            if 'method' in timed else timed.iloc[:0]
        if len(guessed):
            ax_time.loglog(guessed.ratings, guessed.epoch_s,
                           label=f'{storage}, extrapolated', **hollow)
        for _, row in part.iterrows():
            ax_mem.annotate(row['shape'], (row.ratings, row.peak_mb / 1024), fontsize=8,
                            textcoords='offset points',
                            xytext=(6, -12 if storage == 'sparse' else 6))
    ax_mem.axhline(machine_gb, color='gray', linestyle=':', label=f'machine ({machine_gb} GB)')
    ax_mem.axhline(target_gb, color='gray', linestyle='--',
                   label=f'{target_gb:g} GB: a small laptop')
    ax_mem.set(xlabel='ratings', ylabel='peak memory (GB)', title='peak memory of one run')
    ax_time.set(xlabel='ratings', ylabel='seconds per epoch',
                title='training + evaluation, s / epoch')
    low, high = ax_mem.get_ylim()
    ax_mem.set_ylim(low / 2, high * 3)  # room for the labels above and below
    ax_mem.set_xlim(right=ax_mem.get_xlim()[1] * 4)  # and on the right
    ax_mem.legend(fontsize=8, loc='upper left')
    ax_time.legend(fontsize=8, loc='upper left')
    return fig
