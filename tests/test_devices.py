"""Devices on a CPU-only machine (this project's CI has no GPU)."""
import mxnet as mx

import d2l_ext as d2l


def test_try_all_gpus_falls_back_to_the_cpu_when_there_is_no_gpu():
    if d2l.num_gpus() == 0:
        assert d2l.try_all_gpus() == [mx.cpu()]
        assert d2l.try_gpu() == mx.cpu()
    else:  # on a machine with GPUs: all of them, no CPU
        assert d2l.try_all_gpus() == [mx.gpu(i) for i in range(d2l.num_gpus())]


def test_d2l_itself_returns_an_empty_list_here_which_is_why_this_exists():
    from d2l import mxnet as ref
    assert ref.try_all_gpus() == [mx.gpu(i) for i in range(d2l.num_gpus())]


def test_dataloader_workers_is_a_small_non_negative_int():
    workers = d2l.get_dataloader_workers()
    assert isinstance(workers, int) and 0 <= workers <= 4
