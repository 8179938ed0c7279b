"""A small, read-mostly protobuf decoder for the parts of ONNX that the
conformance runner needs: ModelProto (opsets, nodes, graph inputs/outputs,
initializer names) and TensorProto (test data). Python standard library only.

Wire format: https://protobuf.dev/programming-guides/encoding/ . Field numbers
come from onnx/onnx.proto (ONNX 1.12).
"""
import struct

# ONNX TensorProto.DataType -> (name, struct format of one element, bytes).
# BOOL is one byte; FLOAT16/BFLOAT16 are read as their uint16 bit patterns.
DTYPES = {
    1: ("FLOAT", "f", 4),
    2: ("UINT8", "B", 1),
    3: ("INT8", "b", 1),
    4: ("UINT16", "H", 2),
    5: ("INT16", "h", 2),
    6: ("INT32", "i", 4),
    7: ("INT64", "q", 8),
    8: ("STRING", None, 0),
    9: ("BOOL", "B", 1),
    10: ("FLOAT16", "e", 2),
    11: ("DOUBLE", "d", 8),
    12: ("UINT32", "I", 4),
    13: ("UINT64", "Q", 8),
    14: ("COMPLEX64", None, 8),
    15: ("COMPLEX128", None, 16),
    16: ("BFLOAT16", "H", 2),
}
FLOAT_TYPES = {1, 10, 11, 16}


def dtype_name(dtype):
    return DTYPES.get(dtype, ("data type %d" % dtype,))[0]


class DecodeError(Exception):
    pass


def _varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise DecodeError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 70:
            raise DecodeError("varint too long")


def fields(buf):
    """Decodes one message into {field number: [(wire type, value), ...]}.
    Varints are unsigned ints, fixed32/fixed64 and length-delimited values
    are bytes."""
    out = {}
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            size, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise DecodeError("unsupported wire type %d" % wire)
        if pos > end:
            raise DecodeError("truncated field %d" % number)
        out.setdefault(number, []).append((wire, value))
    return out


def _signed64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def _varints(entries, signed):
    """A repeated varint field, packed (wire type 2) or not."""
    values = []
    for wire, value in entries:
        if wire == 0:
            values.append(value)
        elif wire == 2:
            pos = 0
            while pos < len(value):
                v, pos = _varint(value, pos)
                values.append(v)
        else:
            raise DecodeError("unexpected wire type %d for a varint" % wire)
    return [_signed64(v) for v in values] if signed else values


def _fixed(entries, fmt, size):
    """A repeated fixed-width field (float, double), packed or not."""
    raw = b"".join(bytes(value) for _, value in entries)
    if len(raw) % size:
        raise DecodeError("packed field is not a multiple of %d bytes" % size)
    return list(struct.unpack("<%d%s" % (len(raw) // size, fmt), raw))


def _string(f, number, default=""):
    entries = f.get(number)
    return bytes(entries[-1][1]).decode("utf-8", "replace") if entries else default


def _int(f, number, default=0):
    entries = f.get(number)
    return _signed64(entries[-1][1]) if entries else default


class Tensor:
    """A decoded TensorProto: name, ONNX data type, dims, the elements as a
    flat Python list and as little-endian bytes of the data type."""

    def __init__(self, name, dtype, dims, values, raw):
        self.name, self.dtype, self.dims = name, dtype, dims
        self.values, self.raw = values, raw

    @property
    def num_elements(self):
        n = 1
        for d in self.dims:
            n *= d
        return n


def bf16_to_float(bits):
    return struct.unpack("<f", struct.pack("<I", (bits & 0xFFFF) << 16))[0]


def decode_values(dtype, raw):
    """Elements of little-endian `raw` bytes of ONNX `dtype` as a list."""
    if dtype == 8:
        # Strings, each NUL-terminated (the harness's wire form).
        if raw and not raw.endswith(b"\0"):
            raise DecodeError("string data does not end with a NUL byte")
        return raw.split(b"\0")[:-1]
    name, fmt, size = DTYPES.get(dtype, (None, None, 0))
    if fmt is None:
        raise DecodeError("cannot decode %s elements" % dtype_name(dtype))
    if len(raw) % size:
        raise DecodeError("%d bytes is not a whole number of %s elements"
                          % (len(raw), name))
    values = list(struct.unpack("<%d%s" % (len(raw) // size, fmt), raw))
    if dtype == 16:
        values = [bf16_to_float(v) for v in values]
    elif dtype == 9:
        values = [int(v != 0) for v in values]
    return values


def parse_tensor(buf):
    f = fields(buf)
    dims = _varints(f.get(1, []), signed=True)
    dtype = _int(f, 2)
    name = _string(f, 8)
    if _int(f, 14) == 1:
        raise DecodeError("tensor '%s' uses external data" % name)
    if dtype == 8:
        # string_data; the harness's wire form is each string NUL-terminated.
        values = [bytes(v) for _, v in f.get(6, [])]
        return Tensor(name, dtype, dims, values,
                      b"".join(v + b"\0" for v in values))
    tname, fmt, size = DTYPES.get(dtype, (None, None, 0))
    if fmt is None:
        raise DecodeError("tensor '%s' has element type %s"
                          % (name, dtype_name(dtype)))
    if 9 in f:
        raw = bytes(f[9][-1][1])
    elif dtype == 1:
        # float_data: packed fixed32 or one fixed32 per entry; same bytes.
        raw = b"".join(bytes(v) for _, v in f.get(4, []))
    elif dtype == 11:
        raw = b"".join(bytes(v) for _, v in f.get(10, []))
    elif dtype == 7:
        ints = _varints(f.get(7, []), signed=True)
        raw = struct.pack("<%dq" % len(ints), *ints)
    elif dtype in (12, 13):
        ints = _varints(f.get(11, []), signed=False)
        raw = struct.pack("<%d%s" % (len(ints), fmt), *ints)
    else:
        # int32_data holds INT32, INT16, INT8, UINT16, UINT8, BOOL and the
        # bit patterns of FLOAT16/BFLOAT16.
        ints = [v & 0xFFFFFFFF for v in _varints(f.get(5, []), signed=False)]
        ints = [v - (1 << 32) if v >= 1 << 31 else v for v in ints]
        if dtype in (10, 16, 4):
            ints = [v & 0xFFFF for v in ints]
            fmt = "H"
        elif dtype in (2, 9):
            ints = [v & 0xFF for v in ints]
        raw = struct.pack("<%d%s" % (len(ints), fmt), *ints)
    tensor = Tensor(name, dtype, dims, decode_values(dtype, raw), raw)
    if len(tensor.values) != tensor.num_elements:
        raise DecodeError("tensor '%s' has %d elements for dims %s"
                          % (name, len(tensor.values), dims))
    return tensor


def read_tensor(path):
    with open(path, "rb") as fh:
        return parse_tensor(fh.read())


def encode_varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode_field(number, payload):
    """A length-delimited field."""
    return encode_varint(number << 3 | 2) + encode_varint(len(payload)) + payload


# --- Models -----------------------------------------------------------------

TYPE_KINDS = {1: "tensor", 4: "sequence", 5: "map", 8: "sparse_tensor",
              9: "optional"}


class ValueInfo:
    """A graph input or output: its name, the kind of its type (tensor,
    sequence, ...), element type and dims (None for a symbolic dim)."""

    def __init__(self, buf):
        f = fields(buf)
        self.name = _string(f, 1)
        self.kind, self.elem_type, self.dims = "none", 0, None
        if 2 in f:
            t = fields(f[2][-1][1])
            for number, kind in TYPE_KINDS.items():
                if number in t:
                    self.kind = kind
                    if number == 1:
                        tt = fields(t[1][-1][1])
                        self.elem_type = _int(tt, 1)
                        if 2 in tt:
                            shape = fields(tt[2][-1][1])
                            self.dims = []
                            for _, d in shape.get(1, []):
                                df = fields(d)
                                self.dims.append(_int(df, 1) if 1 in df else None)
                    break


class Node:
    def __init__(self, buf):
        f = fields(buf)
        self.inputs = [bytes(v).decode() for _, v in f.get(1, [])]
        self.outputs = [bytes(v).decode() for _, v in f.get(2, [])]
        self.name = _string(f, 3)
        self.op_type = _string(f, 4)
        self.domain = _string(f, 7)
        self.attrs = {}
        self.subgraphs = []
        for _, a in f.get(5, []):
            af = fields(a)
            self.attrs[_string(af, 1)] = af
            for _, g in af.get(6, []) + af.get(11, []):
                self.subgraphs.append(Graph(g))

    @property
    def qualified_op(self):
        if self.domain in ("", "ai.onnx"):
            return self.op_type
        return self.domain + "." + self.op_type


class Graph:
    def __init__(self, buf):
        f = fields(buf)
        self.nodes = [Node(n) for _, n in f.get(1, [])]
        self.initializers = set()
        for _, t in f.get(5, []):
            self.initializers.add(_string(fields(t), 8))
        self.inputs = [ValueInfo(v) for _, v in f.get(11, [])]
        self.outputs = [ValueInfo(v) for _, v in f.get(12, [])]

    def all_nodes(self):
        for node in self.nodes:
            yield node
            for g in node.subgraphs:
                yield from g.all_nodes()


class Model:
    def __init__(self, buf):
        f = fields(buf)
        self.ir_version = _int(f, 1)
        self.opsets = {}
        for _, o in f.get(8, []):
            of = fields(o)
            self.opsets[_string(of, 1)] = _int(of, 2)
        if 7 not in f:
            raise DecodeError("the model has no graph")
        self.graph = Graph(f[7][-1][1])

    @property
    def opset(self):
        return self.opsets.get("", self.opsets.get("ai.onnx", 0))

    def runtime_inputs(self):
        """Graph inputs that are not initializers, in order."""
        return [i for i in self.graph.inputs
                if i.name not in self.graph.initializers]


def read_model(path):
    with open(path, "rb") as fh:
        return Model(fh.read())


def add_initializers(model_bytes, tensor_protos):
    """The model with extra graph initializers: appending a second `graph`
    field (ModelProto field 7) merges into the first, and repeated fields
    (GraphProto.initializer, field 5) append."""
    body = b"".join(encode_field(5, t) for t in tensor_protos)
    return model_bytes + encode_field(7, body)


def rename_tensor(tensor_bytes, name):
    """TensorProto bytes whose name (field 8) is `name` (appended fields of a
    scalar type override earlier ones)."""
    return tensor_bytes + encode_field(8, name.encode())
