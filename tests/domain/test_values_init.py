"""`Worker`, `Client` and `Episode` are built by an `__init__` that sets each slot directly
(`values.set_by_slots`, issue 18: stage 1 of an import builds 120,000 episodes). Each must be
exactly the value the dataclass's own `__init__` makes: the same parameters and defaults, the same
fields, equality, hash and `repr`, still frozen; checked against the same class made again by
`dataclasses` alone."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddcase.domain.enums import ReferralRoute, Role, Service
from ddcase.domain.values import Client, Episode, Worker

VALUES = (Worker, Client, Episode)


def plain(cls: type) -> type:
    """The same class as the dataclass decorator alone makes it (its generated `__init__`)."""
    return dataclasses.make_dataclass(
        cls.__name__,
        [(f.name, f.type, f) for f in dataclasses.fields(cls)],
        frozen=True,
        slots=True,
    )


PLAIN = {cls: plain(cls) for cls in VALUES}

texts = st.text(max_size=12)
maybe_texts = st.none() | texts
days = st.dates(date(1900, 1, 1), date(2100, 12, 31))
ids = st.none() | st.integers(1, 10**9)
versions = st.integers(0, 1000)

ARGUMENTS = {
    Worker: st.tuples(
        texts, texts, st.sampled_from(Service), st.none() | st.sampled_from(Role), maybe_texts,
        maybe_texts, ids, versions, st.none() | days,
    ),
    Client: st.tuples(
        texts, texts, maybe_texts, st.none() | days, maybe_texts, st.none() | st.sampled_from(ReferralRoute),
        st.none() | days, ids, versions,
    ),
    Episode: st.tuples(
        texts, st.sampled_from(Service), texts, days, st.none() | days, maybe_texts, maybe_texts, ids, versions,
    ),
}  # fmt: skip


@pytest.mark.parametrize("cls", VALUES, ids=lambda c: c.__name__)
def test_the_same_parameters_and_defaults(cls):
    assert inspect.signature(cls) == inspect.signature(PLAIN[cls])
    assert cls.__init__ is not PLAIN[cls].__init__


@pytest.mark.parametrize("cls", VALUES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_the_same_value_by_position_by_name_and_with_defaults(cls, data):
    arguments = data.draw(ARGUMENTS[cls])
    names = [f.name for f in dataclasses.fields(cls)]
    given_count = data.draw(
        st.integers(len([f for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]), len(names))
    )
    by_name = dict(zip(names[:given_count], arguments[:given_count], strict=True))
    reference = PLAIN[cls](**by_name)
    for value in (cls(*arguments[:given_count]), cls(**by_name)):
        assert dataclasses.astuple(value) == dataclasses.astuple(reference)
        assert [getattr(value, n) for n in names] == [getattr(reference, n) for n in names]
        assert hash(value) == hash(reference)
        assert repr(value) == repr(reference)
        assert value == cls(**by_name) and not value != cls(**by_name)
        assert pickle.loads(pickle.dumps(value)) == value
        assert dataclasses.replace(value) == value
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, names[0], arguments[0])


@pytest.mark.parametrize("cls", VALUES, ids=lambda c: c.__name__)
def test_the_same_refusals(cls):
    required = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]
    for maker in (cls, PLAIN[cls]):
        with pytest.raises(TypeError):
            maker(*range(len(required) - 1))  # a required field missing
        with pytest.raises(TypeError):
            maker(*range(len(dataclasses.fields(cls)) + 1))  # one too many
        with pytest.raises(TypeError):
            maker(*range(len(required)), no_such_field=1)
