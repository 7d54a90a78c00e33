"""In a live Jupyter kernel, training shows one figure and updates it after every epoch.

A real kernel (jupyter_client) runs a short training; the test reads the kernel's messages as
they arrive and counts the figure's display and its updates before training ends.
"""
import os

import pytest
from jupyter_client.manager import start_new_kernel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SETUP = '''
import d2l_ext as d2l
import mxnet as mx
from mxnet import gluon, np, npx
from tests.conftest import low_rank_ratings
npx.set_np()
d2l.set_seed(0)
data, num_users, num_items = low_rank_ratings()
train, test = d2l.split_data_ml100k(data, num_users, num_items, seed=0)
_, _, _, train_mat = d2l.load_data_ml100k(train, num_users, num_items)
_, _, _, test_mat = d2l.load_data_ml100k(test, num_users, num_items)
'''

CHAPTER = '''
net = d2l.AutoRec(16, num_users)
net.initialize(ctx=[mx.cpu()], init=mx.init.Normal(0.01))
trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
train_iter = gluon.data.DataLoader(train_mat, batch_size=16, shuffle=True)
test_iter = gluon.data.DataLoader(np.array(train_mat), batch_size=64)
d2l.train_recsys_rating(net, train_iter, test_iter, gluon.loss.L2Loss(), trainer, 4,
                        [mx.cpu()], inter_mat=test_mat)
'''

LAB = '''
from d2l_ext.lab.fitting import fit_autorec
fit = d2l.interaction_matrix(train, num_users, num_items)
held = d2l.interaction_matrix(test, num_users, num_items)
result = fit_autorec(fit, {'test': held}, num_hidden=16, lr=0.01, num_epochs=4,
                     batch_size=16, seed=0)
print('done', len(result.history))
'''


@pytest.fixture(scope='module')
def kernel():
    env = dict(os.environ, MPLBACKEND='module://matplotlib_inline.backend_inline')
    manager, client = start_new_kernel(kernel_name='python3', env=env, cwd=ROOT)
    try:
        reply = client.execute_interactive(SETUP, timeout=120)
        assert reply['content']['status'] == 'ok', reply['content']
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run_and_collect(client, code):
    """Execute ``code``; return the kernel's output messages in the order they arrived."""
    messages = []
    reply = client.execute_interactive(code, timeout=300, output_hook=messages.append)
    assert reply['content']['status'] == 'ok', reply['content']
    return [m for m in messages if m['msg_type'] != 'status']


def figure_events(messages):
    kinds = []
    for m in messages:
        if m['msg_type'] in ('display_data', 'update_display_data'):
            assert 'image/png' in m['content']['data']
            kinds.append(m['msg_type'])
        elif m['msg_type'] == 'clear_output':
            kinds.append('clear_output')
    return kinds


def test_the_chapters_loop_updates_one_figure_every_epoch(kernel):
    messages = run_and_collect(kernel, CHAPTER)
    kinds = figure_events(messages)
    # One display, then one update per later epoch: no stack of figures, no clear_output.
    assert kinds == ['display_data'] + ['update_display_data'] * 3
    ids = {m['content']['transient']['display_id'] for m in messages
           if m['msg_type'] in ('display_data', 'update_display_data')}
    assert len(ids) == 1
    # All of them arrive while training runs: before d2l's summary line is printed.
    summary = next(k for k, m in enumerate(messages) if m['msg_type'] == 'stream'
                   and 'test RMSE' in m['content']['text'])
    last_figure = max(k for k, m in enumerate(messages)
                      if m['msg_type'] in ('display_data', 'update_display_data'))
    assert last_figure < summary


def test_a_lab_fitter_updates_its_figure_every_epoch(kernel):
    messages = run_and_collect(kernel, LAB)
    assert figure_events(messages) == ['display_data'] + ['update_display_data'] * 3
    assert any(m['msg_type'] == 'stream' and 'done 4' in m['content']['text']
               for m in messages)
