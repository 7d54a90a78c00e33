"""Start a parameter-server cluster on this machine, watch it, and always tear it down.

MXNet's distributed kvstore (ps-lite) has three roles, chosen by environment variables:
one *scheduler* (``DMLC_ROLE=scheduler``, listening on ``DMLC_PS_ROOT_URI:DMLC_PS_ROOT_PORT``)
introduces the others; *servers* hold the parameters and sum the pushed gradients;
*workers* run the training script. The scheduler and the servers need nothing but
``import mxnet`` with those variables set. :func:`launch` starts them all as local
processes on 127.0.0.1, prefixes every line they print with ``[role index]``, and stops
every process (its whole process group) on success, on failure and on Ctrl-C.

ps-lite waits forever for a missing peer, so the launcher bounds everything: a worker that
dies ends the run (naming it) within a second or two, a cluster that has not formed
within ``startup_timeout`` seconds ends it, and so does ``timeout``.

This module does not import MXNet (the processes it starts do).
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from ...errors import ClusterError

__all__ = ['LOOPBACK', 'READY', 'Process', 'LaunchResult', 'free_port', 'check_port',
           'cluster_env', 'launch']

#: The only address the launcher uses.
LOOPBACK = '127.0.0.1'
#: What a worker prints once its kvstore has connected to the whole cluster.
READY = 'kvstore ready'
#: The command of a scheduler or server: importing MXNet with DMLC_ROLE set runs it
#: (d2l_ext first: on NumPy 2 MXNet imports only after d2l_ext/_compat.py).
ROLE_COMMAND = (sys.executable, '-c', 'import d2l_ext, mxnet')
#: Seconds between two looks at the processes.
POLL_SECONDS = 0.1
#: Seconds the workers get to exit after a server or the scheduler exited cleanly.
SHUTDOWN_GRACE = 10.0


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def check_port(port):
    """Check that ``port`` is free on 127.0.0.1.

    Raises
    ------
    ClusterError
        Something listens on it already.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((LOOPBACK, port))
        except OSError as error:
            raise ClusterError(f'Expected a free port for the scheduler; port {port} on '
                               f'{LOOPBACK} is in use ({error.strerror}). Pass another '
                               '--port, or none to pick a free one.') from None


def cluster_env(role, port, num_workers, num_servers, base=None):
    """The environment of one process of the cluster (MXNet's ``DMLC_*`` variables).

    Parameters
    ----------
    role : {'scheduler', 'server', 'worker'}
    port : int
        The scheduler's port on 127.0.0.1.
    num_workers, num_servers : int
    base : dict, optional
        The environment to extend (default: this process's).

    Returns
    -------
    dict of str to str
    """
    env = dict(os.environ if base is None else base)
    env.update(DMLC_ROLE=role, DMLC_PS_ROOT_URI=LOOPBACK, DMLC_PS_ROOT_PORT=str(port),
               DMLC_NUM_WORKER=str(num_workers), DMLC_NUM_SERVER=str(num_servers),
               DMLC_NODE_HOST=LOOPBACK, DMLC_INTERFACE='lo', PYTHONUNBUFFERED='1')
    return env


@dataclass
class Process:
    """One process of the cluster: its role, index among its role, and output."""

    role: str
    index: int
    popen: subprocess.Popen
    lines: list = field(default_factory=list)
    reader: threading.Thread = None

    @property
    def name(self):
        """``'worker 1'``, ``'server 0'``, ``'scheduler'``."""
        return self.role if self.role == 'scheduler' else f'{self.role} {self.index}'

    def describe_exit(self):
        """How it ended: ``'exited with code 1'`` or ``'was killed by signal SIGKILL'``."""
        code = self.popen.returncode
        if code is not None and code < 0:
            return f'was killed by signal {signal.Signals(-code).name}'
        return f'exited with code {code}'


@dataclass
class LaunchResult:
    """What :func:`launch` returns after a successful run.

    Attributes
    ----------
    port : int
        The scheduler's port.
    seconds : float
        Wall-clock seconds from the first process started to the last worker's exit.
    lines : dict of str to list of str
        Every process's output lines, by name (``'worker 0'``...).
    """

    port: int
    seconds: float
    lines: dict


def _pump(process, out, lock):
    """Copy a process's output to ``out``, line by line, prefixed with its name."""
    for raw in process.popen.stdout:
        line = raw.rstrip('\n')
        process.lines.append(line)
        with lock:
            print(f'[{process.name}] {line}', file=out, flush=True)


def _start(role, index, command, env, out, lock):
    popen = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                             errors='replace', start_new_session=True)
    process = Process(role, index, popen)
    process.reader = threading.Thread(target=_pump, args=(process, out, lock), daemon=True)
    process.reader.start()
    return process


def _stop(processes, grace=3.0):
    """Stop every process group still running: SIGTERM, then SIGKILL after ``grace`` s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = [p for p in processes if p.popen.poll() is None]
        for p in alive:
            try:
                os.killpg(p.popen.pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while alive and time.monotonic() < deadline:
            alive = [p for p in alive if p.popen.poll() is None]
            time.sleep(0.05)
    for p in processes:
        p.popen.wait()
        p.reader.join(timeout=grace)


def launch(worker_command, num_workers=2, num_servers=1, *, port=None, startup_timeout=60.0,
           timeout=None, shutdown_timeout=15.0, role_command=ROLE_COMMAND, out=None):
    """Run a parameter-server cluster on 127.0.0.1 until its workers finish.

    Parameters
    ----------
    worker_command : list of str
        Each worker's command line; it must print :data:`READY` once its kvstore has
        connected (``mx.kv.create('dist_sync')`` returns when the cluster has formed).
    num_workers, num_servers : int, default 2 and 1
    port : int, optional
        The scheduler's port; default: a free one (:func:`free_port`).
    startup_timeout : float, default 60
        Seconds for every worker to print :data:`READY`.
    timeout : float, optional
        Seconds for the whole run.
    shutdown_timeout : float, default 15
        Seconds the servers and scheduler get to exit after the workers.
    role_command : list of str
        The scheduler's and servers' command (tests replace it to simulate faults).
    out : file, optional
        Where the prefixed output goes (default: standard output).

    Returns
    -------
    LaunchResult

    Raises
    ------
    ClusterError
        The port is in use, a process died or exited non-zero (named in the message), or
        a timeout passed. Every process has been stopped by then.
    """
    if num_workers < 1 or num_servers < 1:
        raise ClusterError(f'Expected at least one worker and one server; found '
                           f'{num_workers} and {num_servers}.')
    if port is None:
        port = free_port()
    else:
        check_port(port)
    out = sys.stdout if out is None else out
    lock, processes = threading.Lock(), []
    start = time.monotonic()
    try:
        roles = [('scheduler', 0, role_command)]
        roles += [('server', i, role_command) for i in range(num_servers)]
        roles += [('worker', i, worker_command) for i in range(num_workers)]
        for role, index, command in roles:
            env = cluster_env(role, port, num_workers, num_servers)
            processes.append(_start(role, index, list(command), env, out, lock))
            with lock:
                print(f'[launcher] {processes[-1].name}: pid {processes[-1].popen.pid}',
                      file=out, flush=True)
        _watch(processes, start, startup_timeout, timeout)
        seconds = time.monotonic() - start
        _wait_others(processes, shutdown_timeout, out, lock)
    finally:
        _stop(processes)
    return LaunchResult(port, seconds, {p.name: p.lines for p in processes})


def _watch(processes, start, startup_timeout, timeout):
    """Poll until every worker exits 0; raise :class:`ClusterError` on any fault."""
    workers = [p for p in processes if p.role == 'worker']
    others = [p for p in processes if p.role != 'worker']
    ended = {}
    while True:
        for p in workers:
            if p.popen.poll() not in (None, 0):
                raise ClusterError(f'{p.name} (pid {p.popen.pid}) {p.describe_exit()}; '
                                   'stopped every process of the run. Its last lines: '
                                   f'{p.lines[-3:]}')
        if all(p.popen.poll() == 0 for p in workers):
            return
        elapsed = time.monotonic() - start
        for p in others:
            code = p.popen.poll()
            if code is None:
                continue
            # A server or scheduler exits 0 once the workers have finalised: give the
            # workers a moment to exit too.
            ended.setdefault(p.name, elapsed)
            if code != 0 or elapsed - ended[p.name] > SHUTDOWN_GRACE:
                raise ClusterError(f'{p.name} (pid {p.popen.pid}) {p.describe_exit()} '
                                   'before the workers finished; stopped every process.')
        waiting = [p.name for p in workers if not any(READY in x for x in p.lines)]
        if waiting and elapsed > startup_timeout:
            raise ClusterError(f'Timed out after {startup_timeout:g} s waiting for the '
                               f'cluster to form: {", ".join(waiting)} never connected. A '
                               'server or the scheduler did not come up; check their '
                               'output above, or raise --startup-timeout.')
        if timeout is not None and elapsed > timeout:
            raise ClusterError(f'Timed out after {timeout:g} s (--timeout); stopped every '
                               'process.')
        time.sleep(POLL_SECONDS)


def _wait_others(processes, shutdown_timeout, out, lock):
    """Give the servers and scheduler time to exit on their own after the workers."""
    deadline = time.monotonic() + shutdown_timeout
    others = [p for p in processes if p.role != 'worker']
    while time.monotonic() < deadline and any(p.popen.poll() is None for p in others):
        time.sleep(POLL_SECONDS)
    left = [p.name for p in others if p.popen.poll() is None]
    if left:
        with lock:
            print(f'[launcher] {", ".join(left)} still running {shutdown_timeout:g} s after '
                  'the workers finished: stopping them.', file=out, flush=True)
