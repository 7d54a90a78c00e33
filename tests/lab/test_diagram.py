"""The AutoRec drawing: one node per input, hidden unit and output, a cross per masked output."""
import io

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from d2l_ext.lab.diagram import autorec_diagram  # noqa: E402


def test_nodes_and_crosses_follow_the_ratings():
    fig = autorec_diagram(ratings=(4, 0, 0, 2, 0), num_hidden=2)
    inputs, hidden, outputs, crosses = fig.axes[0].collections
    assert len(inputs.get_offsets()) == 5 and len(outputs.get_offsets()) == 5
    assert len(hidden.get_offsets()) == 2
    assert len(crosses.get_offsets()) == 3  # the three unobserved entries
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count('?') == 3 and '4' in texts and '2' in texts
    assert sum('zero gradient' in t for t in texts) == 3
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png')  # renders (mathtext included) without a network
    assert buffer.getvalue()[:4] == b'\x89PNG'
    plt.close(fig)


def test_draws_into_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert autorec_diagram(ax=right) is fig and right.collections and not left.collections
    plt.close(fig)
