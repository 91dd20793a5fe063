"""Which int8 kernel this CPU computes exactly, and the model bytes that use the faster one.

The shipped models store their int8 `MatMulInteger` weights as uint8 with zero point 128
(`models.export.unsign_weights`): onnxruntime's uint8 x uint8 kernel sums in 32 bits on every CPU,
while its uint8 x int8 kernel adds pairs of products in 16 bits on x86 CPUs without VNNI, which
saturate (1.4.0 drifted by up to 0.28 in probability on an AVX2 EPYC). Where the CPU has VNNI the
uint8 x int8 kernel is exact and faster (on an AMD EPYC with AVX-512 VNNI, 2026-12-06: the runner
1,680-1,905 msgs/s against 1,398-1,417; `benchmarks/README.md`).

So at load: `signed_kernel_is_exact()` runs a tiny product that saturates a 16-bit pair sum and
compares it with the exact value; where it matches, `signed_weights()` turns the model's weights
back to int8 (w - 128, zero point 0), the same integers and so the same model. Both work on the
ONNX protobuf wire format directly: the conversion only rewrites bytes in place (a tensor's type
2 -> 3, each weight byte XOR 0x80), so it needs neither the `onnx` package nor a re-encoding.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]

__all__ = ["WireError", "probe_model", "signed_kernel_is_exact", "signed_weights"]

log = logging.getLogger(__name__)

# ONNX TensorProto.DataType
_UINT8 = 2
_INT8 = 3
_INT32 = 6
# Protobuf wire types
_VARINT = 0
_FIXED64 = 1
_BYTES = 2
_FIXED32 = 5
# The probe: 255 x 127 summed over 64 terms. Pairs of products (64,770) overflow int16.
_PROBE_K = 64
_PROBE_EXACT = 255 * 127 * _PROBE_K


class WireError(ValueError):
    """The bytes are not a protobuf message this module can read."""


def _varint(data: bytes | bytearray, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise WireError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes | bytearray, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(field number, wire type, value or payload start, payload end) for each field."""
    pos = start
    while pos < end:
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, pos = _varint(data, pos)
            yield number, wire, value, pos
        elif wire == _BYTES:
            length, pos = _varint(data, pos)
            if pos + length > end:
                raise WireError("field runs past its message")
            yield number, wire, pos, pos + length
            pos += length
        elif wire in (_FIXED64, _FIXED32):
            size = 8 if wire == _FIXED64 else 4
            yield number, wire, pos, pos + size
            pos += size
        else:
            raise WireError(f"unsupported wire type {wire}")
    if pos != end:
        raise WireError("message runs past its end")


def _child(data: bytes | bytearray, start: int, end: int, number: int) -> tuple[int, int] | None:
    for field, wire, a, b in _fields(data, start, end):
        if field == number and wire == _BYTES:
            return a, b
    return None


def _text(data: bytes | bytearray, a: int, b: int) -> str:
    return bytes(data[a:b]).decode("utf-8")


def signed_weights(data: bytearray) -> int:
    """Turn each uint8 `MatMulInteger` weight (zero point 128) of the model into int8 (zero 0).

    Rewrites `data`, a serialized ONNX model, in place and returns how many weights changed.
    Weights of any other form (int8 already, another zero point) are left as they are.
    """
    graph = _child(data, 0, len(data), 7)  # ModelProto.graph
    if graph is None:
        raise WireError("no graph")
    pairs: set[tuple[str, str]] = set()  # (weight, zero point) of each MatMulInteger
    tensors: dict[str, tuple[int, int]] = {}
    for field, wire, a, b in _fields(data, *graph):
        if wire != _BYTES:
            continue
        if field == 1:  # GraphProto.node
            inputs, op_type = [], ""
            for f, w, x, y in _fields(data, a, b):
                if f == 1 and w == _BYTES:
                    inputs.append(_text(data, x, y))
                elif f == 4 and w == _BYTES:
                    op_type = _text(data, x, y)
            if op_type == "MatMulInteger" and len(inputs) == 4 and inputs[1] and inputs[3]:
                pairs.add((inputs[1], inputs[3]))
        elif field == 5:  # GraphProto.initializer
            name = _child(data, a, b, 8)  # TensorProto.name
            if name is not None:
                tensors[_text(data, *name)] = (a, b)
    converted = 0
    view = np.frombuffer(data, np.uint8)  # writable: a view of the bytearray
    for weight, zero in sorted(pairs):
        if weight not in tensors or zero not in tensors:
            continue
        w_type, w_raw = _tensor(data, *tensors[weight])
        z_type, z_raw = _tensor(data, *tensors[zero])
        if w_type is None or z_type is None or w_raw is None or z_raw is None:
            continue
        if view[w_type] != _UINT8 or view[z_type] != _UINT8:
            continue
        if (view[z_raw[0] : z_raw[1]] != 128).any():
            continue
        for type_at, (a, b) in ((w_type, w_raw), (z_type, z_raw)):
            view[type_at] = _INT8
            view[a:b] ^= 0x80
        converted += 1
    del view
    return converted


def _tensor(data: bytearray, start: int, end: int) -> tuple[int | None, tuple[int, int] | None]:
    """Where a TensorProto's one-byte data_type varint sits, and its raw_data bytes."""
    type_at = raw = None
    for field, wire, a, b in _fields(data, start, end):
        if field == 2 and wire == _VARINT and a < 0x80:
            type_at = b - 1  # the value byte itself: a one-byte varint ends at b
        elif field == 9 and wire == _BYTES:
            raw = (a, b)
    return type_at, raw


def _key(number: int, wire: int) -> bytes:
    return _encode_varint(number << 3 | wire)


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _message(number: int, payload: bytes) -> bytes:
    return _key(number, _BYTES) + _encode_varint(len(payload)) + payload


def _int(number: int, value: int) -> bytes:
    return _key(number, _VARINT) + _encode_varint(value)


def _text_field(number: int, value: str) -> bytes:
    return _message(number, value.encode("utf-8"))


def _value_info(name: str, elem_type: int, dims: tuple[int, ...]) -> bytes:
    shape = b"".join(_message(1, _int(1, d)) for d in dims)  # TensorShapeProto.dim.dim_value
    tensor_type = _int(1, elem_type) + _message(2, shape)  # TypeProto.Tensor
    return _text_field(1, name) + _message(2, _message(1, tensor_type))


def _initializer(name: str, elem_type: int, dims: tuple[int, ...], raw: bytes) -> bytes:
    dim_fields = b"".join(_int(1, d) for d in dims)
    return dim_fields + _int(2, elem_type) + _text_field(8, name) + _message(9, raw)


def probe_model() -> bytes:
    """An ONNX model: y = MatMulInteger(a uint8 [1, 64], 127 as int8 [64, 1], zero points 0)."""
    node = b"".join(_text_field(1, name) for name in ("a", "b", "az", "bz"))
    node += _text_field(2, "y") + _text_field(4, "MatMulInteger")
    graph = _message(1, node) + _text_field(2, "int8_probe")
    graph += _message(5, _initializer("b", _INT8, (_PROBE_K, 1), bytes([127]) * _PROBE_K))
    graph += _message(5, _initializer("az", _UINT8, (), b"\x00"))
    graph += _message(5, _initializer("bz", _INT8, (), b"\x00"))
    graph += _message(11, _value_info("a", _UINT8, (1, _PROBE_K)))
    graph += _message(12, _value_info("y", _INT32, (1, 1)))
    opset = _message(8, _text_field(1, "") + _int(2, 13))  # ModelProto.opset_import
    return _int(1, 7) + opset + _message(7, graph)  # ir_version 7


@functools.cache
def signed_kernel_is_exact() -> bool:
    """Whether onnxruntime's CPU uint8 x int8 kernel sums this probe without saturating."""
    try:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(
            probe_model(), sess_options=options, providers=["CPUExecutionProvider"]
        )
        (out,) = session.run(["y"], {"a": np.full((1, _PROBE_K), 255, np.uint8)})
        value = int(np.asarray(out).reshape(-1)[0])
    except Exception:  # any failure means: keep the kernel that is always exact
        log.warning("int8 kernel probe failed; keeping uint8 weights", exc_info=True)
        return False
    exact = value == _PROBE_EXACT
    log.info(
        "int8 kernel probe: onnxruntime's uint8 x int8 kernel %s (%d, exact %d)",
        "is exact on this CPU; models load with int8 weights"
        if exact
        else "saturates on this CPU; models keep their uint8 weights",
        value,
        _PROBE_EXACT,
    )
    return exact
