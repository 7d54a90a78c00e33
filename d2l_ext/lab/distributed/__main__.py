"""``python -m d2l_ext.lab.distributed``: AutoRec on a local parameter-server cluster.

Starts one scheduler, ``--servers`` servers and ``--workers`` workers on 127.0.0.1 (a free
port unless ``--port``), prints every line prefixed by its role and index, and ends with
``test RMSE x.xxx``. Exit status 0 on success; 1 when a process died, a timeout passed or
the port was in use (every process is stopped first); 130 on Ctrl-C. ``--single`` runs the
same training code in this process without a cluster (the single-process reference).
"""
import argparse
import signal
import sys

from ...errors import ClusterError
from .launcher import launch
from .worker import KVSTORES, add_training_arguments, worker_command


def parse_args(argv=None):
    """The launcher's options (see ``--help``)."""
    parser = argparse.ArgumentParser(prog='python -m d2l_ext.lab.distributed',
                                     description=__doc__.split('\n')[0])
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--servers', type=int, default=1)
    parser.add_argument('--kvstore', choices=KVSTORES[:2], default='dist_sync')
    parser.add_argument('--port', type=int, default=None,
                        help="the scheduler's port on 127.0.0.1 (default: a free one)")
    parser.add_argument('--startup-timeout', type=float, default=60.0,
                        help='seconds for the cluster to form')
    parser.add_argument('--timeout', type=float, default=None,
                        help='seconds for the whole run')
    parser.add_argument('--single', action='store_true',
                        help='no cluster: train in this process (the reference run)')
    return add_training_arguments(parser).parse_args(argv)


def main(argv=None):
    """Run the launcher; returns the exit status."""
    options = parse_args(argv)
    if options.single:
        from .worker import train
        train(options, 'device')
        return 0

    def terminate(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C and a polite kill stop the cluster; SIGINT is set explicitly because a shell
    # starts background jobs with it ignored.
    previous = {sig: signal.signal(sig, terminate) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = launch(worker_command(options, options.kvstore), options.workers, options.servers,
                        port=options.port, startup_timeout=options.startup_timeout,
                        timeout=options.timeout)
    except ClusterError as error:
        print(f'[launcher] error: {error}', file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print('[launcher] interrupted: stopped every process.', file=sys.stderr, flush=True)
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    rmse = [line for name, lines in result.lines.items() if name.startswith('worker')
            for line in lines if line.startswith('test RMSE')]
    print(f'[launcher] {options.workers} workers, {options.servers} servers, port '
          f'{result.port}: finished in {result.seconds:.1f} s', flush=True)
    if rmse:
        print(rmse[0], flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
