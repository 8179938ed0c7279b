#!/usr/bin/env python3
"""Writes a TensorFlow TensorBundle checkpoint (PREFIX.index plus
PREFIX.data-NNNNN-of-MMMMM shards) byte for byte as TensorFlow's BundleWriter
and table builder do, without TensorFlow: hand-encoded BundleHeaderProto and
BundleEntryProto, LevelDB table blocks with prefix-compressed keys and
restart points, masked CRC32C trailers, metaindex and index blocks, footer.

For the same keys and values the .index bytes are identical to those
TensorFlow 2.21 writes (checked against tf.train.Checkpoint output, including a
two-block index), and so are the entry, header and string tensor encodings.

--corrupt KIND damages the result in one specific way, for error tests.
Standard library only.
"""
import argparse
import os
import struct
import sys

# DataType enum values (tensorflow/core/framework/types.proto).
DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_STRING = 1, 2, 3, 4, 5, 6, 7
DT_INT64, DT_BOOL, DT_BFLOAT16, DT_HALF = 9, 10, 14, 19

# --- CRC32C (Castagnoli) and LevelDB masking ------------------------------

_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ (0x82F63B78 if _c & 1 else 0)
    _CRC_TABLE.append(_c)


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def mask(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283

# --- protobuf wire encoding -----------------------------------------------


def varint(n):
    n &= (1 << 64) - 1  # negative int64 -> two's complement, 10 bytes
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, value):
    return varint(num << 3) + varint(value) if value else b""


def field_bytes(num, data):
    return varint((num << 3) | 2) + varint(len(data)) + data


def field_fixed32(num, value):
    return varint((num << 3) | 5) + struct.pack("<I", value) if value else b""


def shape_proto(dims):
    # TensorShapeProto.dim = 2, Dim.size = 1.
    return b"".join(field_bytes(2, field_varint(1, d)) for d in dims)


def header_proto(num_shards):
    # num_shards = 1, endianness = 2 (LITTLE = 0, omitted), version = 3
    # (VersionDef producer = 1 set to 1; min_consumer 0 omitted).
    return field_varint(1, num_shards) + field_bytes(3, field_varint(1, 1))


def sliced_entry_proto(dtype, dims, extents):
    """The full-tensor entry of a partitioned variable (BundleWriter::AddSlice):
    dtype, shape and one TensorSliceProto (slices = 7) per slice; no location.
    Extent: start = 1, length = 2 (in a oneof, so written even when 0).
    MergeBundles also stamps a shard_id on it, which readers ignore."""
    slices = b""
    for ext in extents:
        slice_proto = b"".join(
            field_bytes(1, field_varint(1, start) + varint(2 << 3) + varint(length))
            for start, length in ext)
        slices += field_bytes(7, slice_proto)
    return field_varint(1, dtype) + field_bytes(2, shape_proto(dims)) + slices


def slice_key(name, ext):
    """checkpoint::EncodeTensorNameSlice for small starts/lengths (< 64):
    OrderedCode num 0, the name as an OrderedCode string, the rank, then each
    extent's start and length as signed OrderedCode numbers."""
    key = b"\x00" + name + b"\x00\x01" + bytes([1, len(ext)])
    for start, length in ext:
        key += bytes([0x80 + start, 0x80 + length])
    return key


def entry_proto(dtype, dims, shard, offset, size, masked_crc):
    # TensorFlow always sets the shape submessage, even for scalars.
    return (field_varint(1, dtype) + field_bytes(2, shape_proto(dims)) +
            field_varint(3, shard) + field_varint(4, offset) +
            field_varint(5, size) + field_fixed32(6, masked_crc))


# --- LevelDB table --------------------------------------------------------


class BlockBuilder:
    def __init__(self, restart_interval):
        self.interval = restart_interval
        self.reset()

    def reset(self):
        self.buf = bytearray()
        self.restarts = [0]
        self.counter = 0
        self.last_key = b""
        self.entries = 0

    def add(self, key, value, raw_header=None):
        shared = 0
        if self.counter < self.interval:
            n = min(len(self.last_key), len(key))
            while shared < n and self.last_key[shared] == key[shared]:
                shared += 1
        else:
            self.restarts.append(len(self.buf))
            self.counter = 0
        header = varint(shared) + varint(len(key) - shared) + varint(len(value))
        self.buf += raw_header if raw_header is not None else header
        self.buf += key[shared:] + value
        self.last_key = key
        self.counter += 1
        self.entries += 1

    def size_estimate(self):
        return len(self.buf) + 4 * len(self.restarts) + 4

    def finish(self):
        out = bytes(self.buf) + b"".join(struct.pack("<I", r) for r in self.restarts)
        return out + struct.pack("<I", len(self.restarts))


def shortest_separator(start, limit):
    n = min(len(start), len(limit))
    i = 0
    while i < n and start[i] == limit[i]:
        i += 1
    if i < n and start[i] < 0xFF and start[i] + 1 < limit[i]:
        return start[:i] + bytes([start[i] + 1])
    return start


def short_successor(key):
    for i, b in enumerate(key):
        if b != 0xFF:
            return key[:i] + bytes([b + 1])
    return key


class TableWriter:
    """tensorflow::table::TableBuilder with kNoCompression."""

    def __init__(self, block_size, restart_interval, corrupt):
        self.out = bytearray()
        self.block_size = block_size
        self.data = BlockBuilder(restart_interval)
        self.index = BlockBuilder(1)
        self.pending = None  # handle of the last flushed data block
        self.last_key = b""
        self.count = 0
        self.corrupt = corrupt
        self.data_blocks = []  # (offset, size) of each data block

    def write_block(self, contents, is_data=False):
        offset = len(self.out)
        ctype = 0
        if is_data and not self.data_blocks and self.corrupt == "compression":
            ctype = 1  # claims snappy; checksum still valid
        self.out += contents
        crc = crc32c(contents + bytes([ctype]))
        self.out += bytes([ctype]) + struct.pack("<I", mask(crc))
        if is_data:
            self.data_blocks.append((offset, len(contents)))
        return offset, len(contents)

    def flush(self):
        if self.data.entries == 0:
            return
        self.pending = self.write_block(self.data.finish(), is_data=True)
        self.data.reset()

    def add_index_entry(self, key):
        offset, size = self.pending
        if self.corrupt == "bad-handle" and self.index.entries == 0:
            size += 1 << 20
        self.index.add(key, varint(offset) + varint(size))
        self.pending = None

    def add(self, key, value, raw_header=None):
        if self.count and len(key) + len(value) >= 2 * self.block_size:
            self.flush()
        if self.pending is not None:
            self.add_index_entry(shortest_separator(self.last_key, key))
        self.last_key = key
        self.count += 1
        self.data.add(key, value, raw_header)
        if self.data.size_estimate() >= self.block_size:
            self.flush()

    def finish(self):
        self.flush()
        metaindex = self.write_block(BlockBuilder(16).finish())
        if self.pending is not None:
            self.add_index_entry(short_successor(self.last_key))
        index = self.write_block(self.index.finish())
        footer = varint(metaindex[0]) + varint(metaindex[1])
        footer += varint(index[0]) + varint(index[1])
        footer = footer.ljust(40, b"\0")
        magic = 0xDB4775248B80FB57
        if self.corrupt == "bad-magic":
            magic ^= 1
        footer += struct.pack("<II", magic & 0xFFFFFFFF, magic >> 32)
        self.out += footer
        return bytes(self.out)


# --- tensors --------------------------------------------------------------


def f32(values):
    return b"".join(struct.pack("<f", v) for v in values)


def f64(values):
    return b"".join(struct.pack("<d", v) for v in values)


def i64(values):
    return b"".join(struct.pack("<q", v) for v in values)


def f16(values):
    return b"".join(struct.pack("<e", v) for v in values)


def bf16(values):
    return b"".join(struct.pack("<f", v)[2:] for v in values)


def string_tensor(strings):
    """Encoding and checksum of TensorFlow's WriteStringTensor."""
    lengths = b"".join(varint(len(s)) for s in strings)
    crc = 0
    for s in strings:
        crc = crc32c(struct.pack("<I", len(s)), crc)
    length_sum = struct.pack("<I", mask(crc))
    crc = crc32c(length_sum, crc)
    for s in strings:
        crc = crc32c(s, crc)
    return lengths + length_sum + b"".join(strings), crc


def object_graph():
    """A small serialized TrackableObjectGraph (root -> layer -> kernel)."""
    def ref(node_id, name):  # ObjectReference: node_id = 1, local_name = 2
        return field_varint(1, node_id) + field_bytes(2, name)

    def attr(key):  # SerializedTensor: name = 1, checkpoint_key = 3
        return field_bytes(1, b"VARIABLE_VALUE") + field_bytes(3, key)

    root = field_bytes(1, ref(1, b"layer_with_weights-0"))
    layer = field_bytes(1, ref(2, b"kernel"))
    kernel = field_bytes(2, attr(KERNEL0))
    return b"".join(field_bytes(1, n) for n in (root, layer, kernel))


KERNEL0 = b"layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"


def tensors():
    """(key, dtype, dims, data bytes or None for strings, strings)."""
    kernel0 = [(i - 5) * 0.25 for i in range(12)]  # sum 1.5
    return [
        (KERNEL0, DT_FLOAT, [3, 4], f32(kernel0)),
        (b"layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE", DT_FLOAT,
         [4], f32([0.5, -1.0, 2.0, 0.125])),  # sum 1.625
        (b"layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE", DT_FLOAT,
         [4, 2], f32([1.0] * 8)),  # sum 8
        (b"layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE", DT_DOUBLE,
         [2], f64([1e10, 3.25])),  # sum 1.00000e+10
        (b"layer_with_weights-2/gamma/.ATTRIBUTES/VARIABLE_VALUE", DT_HALF,
         [2, 2], f16([1.75, -0.25, 65504.0, 0.0])),  # sum 65505.5
        (b"layer_with_weights-2/beta/.ATTRIBUTES/VARIABLE_VALUE", DT_BFLOAT16,
         [3], bf16([1.0, 2.5, -8.0])),  # sum -4.5
        (b"layer_with_weights-2/mask/.ATTRIBUTES/VARIABLE_VALUE", DT_BOOL,
         [2], b"\x01\x00"),
        (b"layer_with_weights-2/empty/.ATTRIBUTES/VARIABLE_VALUE", DT_INT8,
         [0, 3], b""),
        (b"optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE", DT_INT64, [], i64([42])),
        (b"save_counter/.ATTRIBUTES/VARIABLE_VALUE", DT_INT64, [], i64([1])),
        (b"vocabulary/.ATTRIBUTES/VARIABLE_VALUE", DT_STRING, [3],
         [b"alpha", b"", b"gamma"]),
        (b"_CHECKPOINTABLE_OBJECT_GRAPH", DT_STRING, [], [object_graph()]),
        # The two slices of PARTITIONED, float32 [4] cut into [0:2] and [2:4].
        (slice_key(PARTITIONED, [(0, 2)]), DT_FLOAT, [2], f32([1.0, 2.0])),
        (slice_key(PARTITIONED, [(2, 2)]), DT_FLOAT, [2], f32([3.0, 4.0])),
    ]


PARTITIONED = b"partitioned/.ATTRIBUTES/VARIABLE_VALUE"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("prefix", help="output prefix, e.g. DIR/variables/variables")
    p.add_argument("--shards", type=int, default=1, choices=(1, 2))
    p.add_argument("--block-size", type=int, default=262144,
                   help="table data block size (TensorFlow: 262144)")
    p.add_argument("--restart-interval", type=int, default=16)
    p.add_argument("--align", type=int, default=1,
                   help="pad each tensor in the data file to this alignment")
    p.add_argument("--corrupt", choices=[
        "none", "truncate-index", "bad-magic", "flip-block", "compression",
        "bad-handle", "bad-varint", "size-mismatch", "flip-data",
        "delete-shard", "short-shard", "no-header", "bad-restart"],
        default="none")
    args = p.parse_args()
    corrupt = args.corrupt

    os.makedirs(os.path.dirname(os.path.abspath(args.prefix)), exist_ok=True)
    shards = [bytearray() for _ in range(args.shards)]
    entries = {}
    for i, (key, dtype, dims, payload) in enumerate(tensors()):
        shard = i % args.shards
        out = shards[shard]
        if dtype == DT_STRING:
            data, crc = string_tensor(payload)
        else:
            data, crc = payload, crc32c(payload)
        size = len(data)
        if corrupt == "size-mismatch" and key == KERNEL0:
            size -= 4
        entries[key] = entry_proto(dtype, dims, shard, len(out), size, mask(crc))
        out += data
        if len(out) % args.align:
            out += b"\0" * (args.align - len(out) % args.align)
    entries[PARTITIONED] = sliced_entry_proto(DT_FLOAT, [4], [[(0, 2)], [(2, 2)]])

    table = TableWriter(args.block_size, args.restart_interval, corrupt)
    if corrupt != "no-header":
        table.add(b"", header_proto(args.shards))
    for n, key in enumerate(sorted(entries)):
        raw = None
        if corrupt == "bad-varint" and n == 1:
            raw = b"\xff\xff\xff\xff\x7f"  # a varint32 above 2^32
        table.add(key, entries[key], raw)
    index = bytearray(table.finish())

    block_offset, block_size = table.data_blocks[0]
    if corrupt == "truncate-index":
        index = index[:30]
    elif corrupt == "flip-block":
        index[block_offset + 3] ^= 0x40
    elif corrupt == "bad-restart":
        # Point the last restart of the first data block past the entries, and
        # fix the checksum so that the restart check is what fails.
        end = block_offset + block_size
        struct.pack_into("<I", index, end - 8, block_size - 8)
        crc = crc32c(bytes(index[block_offset:end + 1]))
        struct.pack_into("<I", index, end + 1, mask(crc))
    if corrupt == "flip-data":
        shards[0][5] ^= 0x01  # inside the first tensor of shard 0
    if corrupt == "short-shard":
        shards[-1] = shards[-1][:-1]

    with open(args.prefix + ".index", "wb") as f:
        f.write(index)
    for i, data in enumerate(shards):
        path = "%s.data-%05d-of-%05d" % (args.prefix, i, args.shards)
        if corrupt == "delete-shard" and i == 0:
            if os.path.exists(path):
                os.remove(path)
            continue
        with open(path, "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
