"""The cases of tests/plugin/test_wire.py, run in a fresh interpreter (``python -m``): the
plugin's property maps are what the SDK's ``PropertyValue`` functions give.

``pulumi.provider`` registers its own ``google.rpc.Status`` in protobuf's default pool, which
fails once google-apps-meet's (the fidelity tests') is there: the plugin imports it in its own
process, and so do these cases.
"""

from __future__ import annotations

import types
from typing import Any

import pytest
from google.protobuf import struct_pb2
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc

from pulumi_meet.plugin import names, wire

_SIG, _SECRET = rpc._special_sig_key, rpc._special_secret_sig

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.just(rpc.UNKNOWN),
)


def _secret(value: Any) -> dict[str, Any]:
    return {_SIG: _SECRET, "value": value}


_wire_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        inner.map(_secret),
    ),
    max_leaves=20,
)


def _struct(data: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(data)
    return struct


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _wire_values, max_size=5))
def test_unmarshal_and_marshal_agree_with_the_sdk(data: dict[str, Any]) -> None:
    struct = _struct(data)
    ours, theirs = wire.unmarshal_map(struct), PropertyValue.unmarshal_map(struct)
    assert ours == theirs
    assert wire.marshal_map(ours) == PropertyValue.marshal_map(theirs)
    assert wire.marshal_map(theirs) == PropertyValue.marshal_map(theirs)


_plain = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _sdk_value(value: Any) -> PropertyValue:
    """The plugin's conversion as it was written against the SDK's constructor."""
    if isinstance(value, dict):
        return PropertyValue({str(k): _sdk_value(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([_sdk_value(item) for item in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


@settings(max_examples=300, deadline=None)
@given(_plain)
def test_plain_values_are_the_sdks_values(data: Any) -> None:
    ours = wire.plain_value(data)
    assert ours == _sdk_value(data)
    assert ours.type == _sdk_value(data).type
    assert wire.marshal_map({"v": ours}) == PropertyValue.marshal_map({"v": _sdk_value(data)})


def test_values_are_stored_as_the_sdk_stores_them() -> None:
    made = wire.unmarshal_map(_struct({"m": {"a": [1.0, "x"]}, "s": _secret("k")}))
    assert isinstance(made["m"].value, types.MappingProxyType)
    assert isinstance(made["m"].value["a"].value, tuple)
    assert made["s"] == PropertyValue("k", is_secret=True)
    assert made["s"].contains_secret() and not made["m"].contains_secret()
    assert made["m"].dependencies == frozenset()
    with pytest.raises(AttributeError):
        made["m"].value = None  # type: ignore[misc]  # still frozen


def test_what_the_wire_rarely_carries_goes_through_the_sdk() -> None:
    reference = {_SIG: rpc._special_resource_sig, "urn": "urn:pulumi:s::p::t::n"}
    output = {
        _SIG: rpc._special_output_value_sig,
        "value": "v",
        "dependencies": ["urn:a"],
        "secret": True,
    }
    struct = _struct({"ref": reference, "out": output, "secret_out": _secret(output)})
    ours = wire.unmarshal_map(struct)
    assert ours == PropertyValue.unmarshal_map(struct)
    assert ours["out"].dependencies == frozenset({"urn:a"})
    assert wire.marshal_map(ours) == PropertyValue.marshal_map(ours)
    with pytest.raises(ValueError):
        wire.marshal_map({"c": PropertyValue(Computed())})  # the SDK cannot send it either


def _sdk_plain(value: PropertyValue) -> Any:
    """Plain data of an SDK value, as the plugin read its values through the SDK."""
    inner = value.value
    if isinstance(inner, Computed):
        return rpc.UNKNOWN
    if isinstance(inner, types.MappingProxyType | dict):
        return {key: _sdk_plain(item) for key, item in inner.items()}
    if isinstance(inner, tuple):
        return [_sdk_plain(item) for item in inner]
    return inner


_named = st.sampled_from(
    ["accessType", "moderationRestrictions", "config", "x", "entryPointAccess"]
)
_keyed_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_named, st.text(max_size=4)), inner, max_size=4),
        inner.map(_secret),
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.one_of(_named, st.text(max_size=4)), _keyed_values, max_size=5))
def test_plain_maps_are_what_the_sdks_values_gave(data: dict[str, Any]) -> None:
    struct = _struct(data)
    theirs = PropertyValue.unmarshal_map(struct)
    plain, secret = wire.read_map(struct, names.TO_SNAKE)
    assert plain == names.to_snake({key: _sdk_plain(item) for key, item in theirs.items()})
    assert secret == {key for key, item in theirs.items() if item.contains_secret()}
    assert wire.read_map(struct) == ({k: _sdk_plain(v) for k, v in theirs.items()}, secret)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.one_of(_named, st.text(max_size=4)), _plain, max_size=5), st.data())
def test_plain_maps_are_written_as_the_sdk_wrote_them(data: dict[str, Any], draw: Any) -> None:
    camel = names.to_camel(data)
    secret = frozenset(draw.draw(st.sets(st.sampled_from(sorted(camel) or [""]))))
    theirs = PropertyValue.marshal_map(
        {key: _sdk_value(item).with_secret(key in secret) for key, item in camel.items()}
    )
    assert wire.write_map(names.to_snake(camel), names.TO_CAMEL, secret.__contains__) == theirs
    assert wire.write_map(camel) == PropertyValue.marshal_map(
        {key: _sdk_value(item) for key, item in camel.items()}
    )


def test_marking_secret_keeps_what_is_secret() -> None:
    struct = _struct({"a": "x", "b": _secret("y"), "c": {"d": _secret(1.0)}})
    marked = wire.mark_secret(struct, frozenset({"a", "b", "c"}))
    theirs = PropertyValue.unmarshal_map(struct)
    assert marked == PropertyValue.marshal_map(
        {key: value.with_secret(True) for key, value in theirs.items()}
    )
    # Data already holding a secret's envelope is marked once, not wrapped twice.
    every = frozenset({"a", "b"}).__contains__
    written = wire.write_map({"a": "x", "b": _secret("y")}, secret=every)
    assert written == wire.write_map({"a": "x", "b": "y"}, secret=every)


CASES = (
    test_unmarshal_and_marshal_agree_with_the_sdk,
    test_plain_values_are_the_sdks_values,
    test_values_are_stored_as_the_sdk_stores_them,
    test_what_the_wire_rarely_carries_goes_through_the_sdk,
    test_plain_maps_are_what_the_sdks_values_gave,
    test_plain_maps_are_written_as_the_sdk_wrote_them,
    test_marking_secret_keeps_what_is_secret,
)


if __name__ == "__main__":
    for case in CASES:
        case()
        print(f"passed: {case.__name__}")
