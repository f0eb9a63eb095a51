"""What the services share."""

from __future__ import annotations

import gc

import pytest

from ddcase.services.base import cyclic_gc_paused


def test_the_cyclic_collector_is_paused_within_and_back_on_after_even_on_an_error():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), cyclic_gc_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_collector_already_off_is_left_off():
    gc.disable()
    try:
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
