"""Data-parallel AutoRec on MXNet's parameter server: launcher, faults, kvstore, traffic.

Every cluster here runs on 127.0.0.1 with bounded steps and timeouts; each test checks
that no process of the run is left behind.
"""
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as onp
import pytest

from d2l_ext.errors import ClusterError
from d2l_ext.lab.distributed import traffic
from d2l_ext.lab.distributed.launcher import check_port, free_port, launch

ROOT = Path(__file__).resolve().parents[2]
STUB = str(Path(__file__).with_name('distributed_stub.py'))
SLEEPER = (sys.executable, '-c', 'import time; time.sleep(120)')


def stub(mode='same', steps=5):
    return [sys.executable, STUB, mode, str(steps)]


def pids(text):
    """Process ids the launcher printed, by name."""
    return {m[0]: int(m[1]) for m in re.findall(r'\[launcher\] (\w+(?: \d)?): pid (\d+)', text)}


def assert_all_gone(process_ids):
    for name, pid in process_ids.items():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        # A zombie is gone for every purpose but the table; anything else is a leak.
        state = Path(f'/proc/{pid}/stat').read_text().split()[2]
        assert state == 'Z', f'{name} (pid {pid}) still runs (state {state})'


def test_stub_cluster_averages_and_tears_down():
    out = io.StringIO()
    result = launch(stub('same', 3), 2, 1, timeout=60, out=out)
    done = [line for name in ('worker 0', 'worker 1') for line in result.lines[name]
            if line.startswith('stub done')]
    # Workers push 1 and 2: each pulls the mean, 1.5; 3 steps of 4 float32.
    assert done == ['stub done: mean gradient 1.50, 48 bytes pushed in 3 steps'] * 2
    assert all(line.startswith('[') for line in out.getvalue().splitlines())
    assert_all_gone(pids(out.getvalue()))


def test_identity_check_names_a_diverging_worker():
    out = io.StringIO()
    with pytest.raises(ClusterError, match=r'worker \d .*exited with code 1') as info:
        launch(stub('diverge', 1), 2, 1, timeout=60, out=out)
    assert 'Expected identical parameters on all 2 workers' in str(info.value)
    assert_all_gone(pids(out.getvalue()))


def test_port_in_use_is_refused_with_a_clear_error():
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ClusterError, match=f'port {port} on 127.0.0.1 is in use'):
            launch(stub(), 2, 1, port=port)
        assert free_port() != port
    check_port(port)  # free again once closed


def test_a_server_that_never_comes_up_times_out():
    out = io.StringIO()
    started = time.monotonic()
    with pytest.raises(ClusterError, match=r'Timed out after 3 s waiting for the cluster '
                                           r'to form: worker 0, worker 1 never connected'):
        launch(stub(), 2, 1, startup_timeout=3, role_command=SLEEPER, out=out)
    assert time.monotonic() - started < 20
    assert_all_gone(pids(out.getvalue()))


def test_a_killed_worker_ends_the_run_naming_it():
    out, outcome = io.StringIO(), {}

    def run():
        try:
            launch(stub('same', 2000), 2, 1, timeout=90, out=out)
        except ClusterError as error:
            outcome['error'] = error
        outcome['at'] = time.monotonic()

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 60
    while out.getvalue().count('kvstore ready') < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    victim = pids(out.getvalue())['worker 1']
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    thread.join(timeout=60)
    assert not thread.is_alive(), 'the launcher did not return within 60 s'
    assert outcome['at'] - killed_at < 60
    assert re.search(f'worker 1 \\(pid {victim}\\) was killed by signal SIGKILL',
                     str(outcome['error']))
    assert_all_gone(pids(out.getvalue()))


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM], ids=['ctrl-c', 'term'])
def test_ctrl_c_or_term_stops_every_process(sig):
    proc = subprocess.Popen(
        [sys.executable, '-m', 'd2l_ext.lab.distributed', '--workers', '2', '--servers', '1',
         '--dataset', 'synthetic', '--epochs', '100000', '--num-hidden', '8',
         '--timeout', '120'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=ROOT)
    lines, deadline = [], time.monotonic() + 60
    while sum('kvstore ready' in x for x in lines) < 2 and time.monotonic() < deadline:
        lines.append(proc.stdout.readline())
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == 130
    assert 'interrupted: stopped every process' in proc.stdout.read()
    assert_all_gone(pids(''.join(lines)))


@pytest.mark.slow
@pytest.mark.parametrize('check_every', [1, 0])
def test_two_workers_train_autorec_with_identical_parameters(check_every):
    """The CI run: two workers, one server, synthetic data; the replicas checked before
    every step, or only at the end (no check to serialise the first step: the initial
    broadcast must still finish before the first gradient push)."""
    proc = subprocess.run(
        [sys.executable, '-m', 'd2l_ext.lab.distributed', '--workers', '2', '--servers',
         '1', '--dataset', 'synthetic', '--epochs', '3', '--num-hidden', '16',
         '--batch-size', '32', '--check-every', str(check_every), '--timeout', '120'],
        capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    summaries = [json.loads(line.split('summary ', 1)[1])
                 for line in proc.stdout.splitlines() if 'summary {' in line]
    assert sorted(s['rank'] for s in summaries) == [0, 1]
    assert summaries[0]['digest'] == summaries[1]['digest']
    # Checked before every step (or never) and once at the end, on both workers.
    assert all(s['checks'] == (s['steps'] if check_every else 0) + 1 for s in summaries)
    assert summaries[0]['rows'] + summaries[1]['rows'] == 96
    assert re.search(r'^test RMSE \d\.\d{3}$', proc.stdout.splitlines()[-1])
    assert_all_gone(pids(proc.stdout))


@pytest.mark.slow
def test_dist_async_trains_with_the_optimiser_on_the_server():
    proc = subprocess.run(
        [sys.executable, '-m', 'd2l_ext.lab.distributed', '--workers', '2', '--servers',
         '1', '--dataset', 'synthetic', '--epochs', '2', '--num-hidden', '16',
         '--batch-size', '40', '--kvstore', 'dist_async', '--timeout', '120'],
        capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    summaries = [json.loads(line.split('summary ', 1)[1])
                 for line in proc.stdout.splitlines() if 'summary {' in line]
    # 48 rows per worker padded to 60 (3 full batches of 20): Gluon keeps the servers'
    # gradient scale of the first step, so every step has the same batch.
    assert [s['steps'] for s in summaries] == [6, 6]
    assert re.search(r'^test RMSE \d\.\d{3}$', proc.stdout.splitlines()[-1])
    assert_all_gone(pids(proc.stdout))


@pytest.mark.slow
def test_benchmark_prints_its_table():
    proc = subprocess.run([sys.executable, 'benchmarks/distributed.py', '--short'],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    runs = re.findall(r'^(1 process|1 worker \+ 1 server|2 workers \+ 1 server) +(\d\.\d{3}) ',
                      proc.stdout, re.M)
    assert [name for name, _ in runs] == ['1 process', '1 worker + 1 server',
                                          '2 workers + 1 server']
    # One worker through the parameter server computes what one process computes.
    assert runs[0][1] == runs[1][1]
    assert re.search(r'^dense +1922\.7 +1922\.7 ', proc.stdout, re.M)


def test_traffic_counts_every_parameter_once_per_direction():
    shapes = traffic.autorec_shapes(num_hidden=500, num_cols=943)
    assert traffic.dense_bytes(shapes) == 3_777_772  # what the ML-100K run metered
    netflix = traffic.step_traffic(500, 480_189, batch_size=256, workers=2)
    dense = netflix['dense']
    assert dense['push'] == dense['pull'] == pytest.approx(4 * (2 * 500 * 480_189 + 500 +
                                                                480_189))
    # row_sparse pulls only the decoder rows of a batch's observed columns: fewer bytes.
    assert netflix['row_sparse']['pull'] < dense['pull']
    assert netflix['item_sharded']['push'] < dense['push']
    assert onp.isfinite([v for row in netflix.values() for v in row.values()]).all()
