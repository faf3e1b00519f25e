"""The engine's property maps (protobuf ``Struct``) <-> the SDK's ``PropertyValue`` maps, fast.

The SDK's ``PropertyValue.unmarshal_map`` and ``marshal_map`` are correct and slow: every value
built runs ten ``isinstance`` checks against ABCs (``Sequence``, ``Mapping``, ``pulumi.Asset``
...), and a room's outputs are some fifty values, crossed up to twice per call. These functions
give the same ``PropertyValue`` objects and the same ``Struct`` (tests compare them with the SDK's
over generated values), building values of the wire's own shapes (null, bool, number, string,
list, map, secret) directly. Anything else the wire can carry (assets, archives, resource
references, output values with dependencies) is handed to the SDK's own functions, value by value.

``PropertyValue`` is a frozen dataclass; a value is built as its ``__init__`` would leave it: a
map's items in a ``MappingProxyType``, a list's in a tuple, no dependencies.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any, Final

from google.protobuf import struct_pb2
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc

__all__ = [
    "UNKNOWN",
    "mark_secret",
    "marshal_map",
    "plain_value",
    "read_map",
    "unmarshal_map",
    "value",
    "write_map",
]

_SIG: Final = rpc._special_sig_key
_SECRET_SIG: Final = rpc._special_secret_sig
_NO_DEPENDENCIES: Final[frozenset[str]] = frozenset()
_new = object.__new__
_set = object.__setattr__
_Value = struct_pb2.Value
_Struct = struct_pb2.Struct
_ListValue = struct_pb2.ListValue
_Proxy = types.MappingProxyType
# A future SDK whose PropertyValue has slots: build values through its constructor.
_DIRECT: Final = "__slots__" not in vars(PropertyValue)


def value(inner: Any, secret: bool = False) -> PropertyValue:
    """``PropertyValue(inner, secret)`` for ``inner`` already in the stored shape: None, bool,
    float, str, a tuple of values or a ``MappingProxyType`` of values (nothing is checked)."""
    if not _DIRECT:
        return PropertyValue(inner, is_secret=secret)
    made: PropertyValue = _new(PropertyValue)
    _set(made, "__dict__", {"value": inner, "is_secret": secret, "dependencies": _NO_DEPENDENCIES})
    return made


_SCALAR_KINDS: Final = frozenset({"string_value", "number_value", "bool_value"})


def _unmarshal_struct(wire: struct_pb2.Value) -> PropertyValue:
    fields = wire.struct_value.fields
    signature = fields.get(_SIG)
    if signature is None:
        return value(_Proxy({key: _unmarshal(item) for key, item in fields.items()}))
    inner = fields.get("value")
    if signature.string_value == _SECRET_SIG and inner is not None:
        plain = _unmarshal(inner)
        return plain.with_secret(True) if plain.dependencies else value(plain.value, secret=True)
    return PropertyValue.unmarshal(wire)  # an asset, archive, reference or output value


def _unmarshal(wire: struct_pb2.Value) -> PropertyValue:
    kind = wire.WhichOneof("kind")
    if kind in _SCALAR_KINDS:
        return value(getattr(wire, kind))
    if kind == "struct_value":
        return _unmarshal_struct(wire)
    if kind == "list_value":
        return value(tuple(_unmarshal(item) for item in wire.list_value.values))
    if kind == "null_value":
        return value(None)
    return PropertyValue.unmarshal(wire)  # raises as the SDK does


def unmarshal_map(struct: struct_pb2.Struct) -> dict[str, PropertyValue]:
    """``PropertyValue.unmarshal_map(struct)``, the same values."""
    return {key: _unmarshal(item) for key, item in struct.fields.items()}


def _marshal(item: PropertyValue) -> struct_pb2.Value:
    inner: Any = item.value
    kind = type(inner)
    if item.dependencies:
        wire: struct_pb2.Value = item.marshal()  # an output value: the SDK's shape
        return wire
    if kind is str:
        wire = _Value(string_value=inner)
    elif kind is _Proxy or kind is dict:
        wire = _Value(struct_value=_Struct(fields={k: _marshal(v) for k, v in inner.items()}))
    elif kind is float:
        wire = _Value(number_value=inner)
    elif kind is bool:
        wire = _Value(bool_value=inner)
    elif inner is None:
        wire = _Value(null_value=struct_pb2.NULL_VALUE)
    elif kind is tuple:
        wire = _Value(list_value=_ListValue(values=[_marshal(v) for v in inner]))
    else:
        wire = item.marshal()  # assets, archives, references; raises on what the SDK refuses
        return wire
    if item.is_secret:
        secret = {_SIG: _Value(string_value=_SECRET_SIG), "value": wire}
        return _Value(struct_value=_Struct(fields=secret))
    return wire


def marshal_map(values: Mapping[str, PropertyValue]) -> struct_pb2.Struct:
    """``PropertyValue.marshal_map(values)``, the same Struct."""
    return _Struct(fields={key: _marshal(item) for key, item in values.items()})


def plain_value(data: Any) -> PropertyValue:
    """Plain JSON data (dicts, lists, str, bool, int, float, None) as a property value; an int
    becomes a float, as on the wire."""
    kind = type(data)
    if kind is str or kind is float or kind is bool or data is None:
        return value(data)
    if kind is int:
        return value(float(data))
    if isinstance(data, Mapping):
        return value(_Proxy({str(k): plain_value(v) for k, v in data.items()}))
    if isinstance(data, list | tuple):
        return value(tuple(plain_value(item) for item in data))
    return PropertyValue(data)  # anything else: the SDK's constructor decides


# -------------------------------------------------------------------- plain data, no PropertyValue
#
# The resource calls need neither the SDK's values nor its request objects: a property map becomes
# the plain dict the operations read, renamed on the way (camelCase -> snake_case), and the
# answer's plain dict becomes a Struct, renamed back, in one walk each. Secrets are unwrapped on
# the way in, and the top-level properties that held one are reported, so that the answer can
# mark them again; an unknown is the engine's sentinel string either way (what core recognises).


def _plain_struct(wire: struct_pb2.Value, names: Mapping[str, str], secrets: list[bool]) -> Any:
    fields = wire.struct_value.fields
    signature = fields.get(_SIG)
    if signature is None:
        # Keys, then `fields[key]`: the map's `items()` is the ABC's generator, in Python.
        return {names.get(key, key): _plain(fields[key], names, secrets) for key in fields}
    inner = fields.get("value")
    if signature.string_value == _SECRET_SIG and inner is not None:
        secrets.append(True)
        return _plain(inner, names, secrets)
    # An asset, archive, reference or output value: the SDK reads it, as it always did.
    from pulumi_meet.plugin.names import rename

    rare = PropertyValue.unmarshal(wire)
    if rare.contains_secret():
        secrets.append(True)
    return rename(_rare_plain(rare), names)


def _rare_plain(item: PropertyValue) -> Any:
    inner = item.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {key: _rare_plain(value) for key, value in inner.items()}
    if isinstance(inner, tuple):
        return [_rare_plain(value) for value in inner]
    return inner


def _plain(wire: struct_pb2.Value, names: Mapping[str, str], secrets: list[bool]) -> Any:
    kind = wire.WhichOneof("kind")
    # The kinds in the order a room's properties hold them most.
    if kind == "string_value":
        return wire.string_value
    if kind == "struct_value":
        return _plain_struct(wire, names, secrets)
    if kind == "list_value":
        return [_plain(item, names, secrets) for item in wire.list_value.values]
    if kind in _SCALAR_KINDS:  # a number or a bool
        return getattr(wire, kind)
    if kind == "null_value":
        return None
    return _rare_plain(PropertyValue.unmarshal(wire))  # raises as the SDK does


UNKNOWN: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's unknown value (a preview's output not known yet), as the wire carries it."""
_NO_NAMES: Final[Mapping[str, str]] = {}


def read_map(
    struct: struct_pb2.Struct, names: Mapping[str, str] = _NO_NAMES
) -> tuple[dict[str, Any], frozenset[str]]:
    """A property map as plain data, each key renamed by ``names`` (at every depth), and the
    top-level properties (as the engine named them) that are, or hold, a secret."""
    data: dict[str, Any] = {}
    secret: list[str] = []
    fields = struct.fields
    for key in fields:
        found: list[bool] = []
        data[names.get(key, key)] = _plain(fields[key], names, found)
        if found:
            secret.append(key)
    return data, frozenset(secret)


def _fill(target: struct_pb2.Value, data: Any, names: Mapping[str, str]) -> None:
    """Write ``data`` into ``target`` where it stands: a nested value built apart and then
    assigned would be copied into its parent (upb copies on assignment), level after level,
    which made a room's outputs cost three times as much."""
    kind = type(data)
    if kind is str:
        target.string_value = data
    elif kind is dict:
        struct = target.struct_value
        struct.SetInParent()  # an empty map is still a map
        fields = struct.fields
        for key, item in data.items():
            _fill(fields[names.get(key, key)], item, names)
    elif kind is bool:
        target.bool_value = data
    elif kind is float or kind is int:
        target.number_value = data
    elif data is None:
        target.null_value = struct_pb2.NULL_VALUE
    elif kind is list or kind is tuple:
        items = target.list_value
        items.SetInParent()  # an empty list is still a list
        values = items.values
        for item in data:
            _fill(values.add(), item, names)
    elif isinstance(data, Mapping):
        _fill(target, dict(data), names)
    else:
        target.CopyFrom(_marshal(plain_value(data)))  # anything else: the SDK decides


def _is_secret(data: Any) -> bool:
    """Whether plain data already is a secret's envelope (``{sig: secret, value: …}``)."""
    return isinstance(data, Mapping) and data.get(_SIG) == _SECRET_SIG


def _secret(wire: struct_pb2.Value) -> struct_pb2.Value:
    fields = wire.struct_value.fields if wire.WhichOneof("kind") == "struct_value" else None
    if fields is not None and _SIG in fields and fields[_SIG].string_value == _SECRET_SIG:
        return wire  # a secret already
    envelope = {_SIG: _Value(string_value=_SECRET_SIG), "value": wire}
    return _Value(struct_value=_Struct(fields=envelope))


def write_map(
    data: Mapping[str, Any],
    names: Mapping[str, str] = _NO_NAMES,
    secret: Callable[[str], bool] | None = None,
) -> struct_pb2.Struct:
    """Plain data as a property map, each key renamed by ``names`` (at every depth); a top-level
    property for which ``secret(name)`` (its renamed name) holds is marked secret."""
    struct = _Struct()
    fields = struct.fields
    for key, item in data.items():
        name = names.get(key, key)
        target = fields[name]
        if secret is not None and secret(name) and not _is_secret(item):
            envelope = target.struct_value.fields
            envelope[_SIG].string_value = _SECRET_SIG
            target = envelope["value"]
        _fill(target, item, names)
    return struct


def mark_secret(struct: struct_pb2.Struct, keys: frozenset[str]) -> struct_pb2.Struct:
    """``struct`` with each of its top-level ``keys`` marked secret (kept as is otherwise)."""
    return _Struct(
        fields={key: _secret(item) if key in keys else item for key, item in struct.fields.items()}
    )
