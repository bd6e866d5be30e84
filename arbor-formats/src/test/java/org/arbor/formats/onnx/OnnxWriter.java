package org.arbor.formats.onnx;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Test kit: encodes small ONNX models in the protobuf wire format, field by field as onnx.proto
 * numbers them (dims unpacked, as onnx writes them). {@link Proto} is exposed for hand-made
 * malformed inputs.
 */
final class OnnxWriter {
  private long irVersion = 8;
  private String producerName = "";
  private String producerVersion = "";
  private String domain = "";
  private long modelVersion = 0;
  private final List<Proto> opsets = new ArrayList<>();
  private final List<Proto> metadata = new ArrayList<>();
  private String graphName = "g";
  private final Proto graphBody = new Proto();
  private final Proto modelExtra = new Proto();

  static OnnxWriter model() {
    return new OnnxWriter();
  }

  OnnxWriter irVersion(long v) {
    irVersion = v;
    return this;
  }

  OnnxWriter producer(String name, String version) {
    producerName = name;
    producerVersion = version;
    return this;
  }

  OnnxWriter domain(String d) {
    domain = d;
    return this;
  }

  OnnxWriter modelVersion(long v) {
    modelVersion = v;
    return this;
  }

  OnnxWriter opset(String opsetDomain, long version) {
    opsets.add(new Proto().string(1, opsetDomain).varint(2, version));
    return this;
  }

  OnnxWriter metadata(String key, String value) {
    metadata.add(entry(key, value));
    return this;
  }

  OnnxWriter graphName(String name) {
    graphName = name;
    return this;
  }

  /** A node with the given op type, inputs and outputs. */
  OnnxWriter node(String opType, List<String> inputs, List<String> outputs) {
    graphBody.message(1, node(opType, "", inputs, outputs));
    return this;
  }

  /** Any pre-built graph field (a node with attributes, a sparse initializer, junk). */
  OnnxWriter graphField(int field, Proto message) {
    graphBody.message(field, message);
    return this;
  }

  OnnxWriter modelField(int field, Proto message) {
    modelExtra.message(field, message);
    return this;
  }

  /** A tensor input; each dim is a Long/Integer (dim_value) or a String (dim_param). */
  OnnxWriter input(String name, OnnxDataType type, Object... dims) {
    graphBody.message(11, valueInfo(name, type, dims));
    return this;
  }

  OnnxWriter output(String name, OnnxDataType type, Object... dims) {
    graphBody.message(12, valueInfo(name, type, dims));
    return this;
  }

  OnnxWriter initializer(String name, OnnxDataType type, long[] dims, byte[] raw) {
    graphBody.message(5, tensor(name, type, dims).bytes(9, raw));
    return this;
  }

  OnnxWriter externalInitializer(String name, OnnxDataType type, long[] dims, String location, long offset, long length) {
    graphBody.message(5, externalTensor(name, type, dims, location, offset, length));
    return this;
  }

  byte[] build() {
    Proto m = new Proto().varint(1, irVersion);
    if (!producerName.isEmpty()) {
      m.string(2, producerName);
    }
    if (!producerVersion.isEmpty()) {
      m.string(3, producerVersion);
    }
    if (!domain.isEmpty()) {
      m.string(4, domain);
    }
    if (modelVersion != 0) {
      m.varint(5, modelVersion);
    }
    m.message(7, new Proto().raw(graphBody.toByteArray()).string(2, graphName));
    opsets.forEach(o -> m.message(8, o));
    metadata.forEach(e -> m.message(14, e));
    m.raw(modelExtra.toByteArray());
    return m.toByteArray();
  }

  // ---- message builders -------------------------------------------------------------------

  static Proto node(String opType, String nodeDomain, List<String> inputs, List<String> outputs) {
    Proto n = new Proto();
    inputs.forEach(i -> n.string(1, i));
    outputs.forEach(o -> n.string(2, o));
    n.string(4, opType);
    if (!nodeDomain.isEmpty()) {
      n.string(7, nodeDomain);
    }
    return n;
  }

  static Proto tensor(String name, OnnxDataType type, long[] dims) {
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);
    }
    return t.varint(2, type.id()).string(8, name);
  }

  static Proto externalTensor(String name, OnnxDataType type, long[] dims, String location, long offset, long length) {
    return tensor(name, type, dims)
        .message(13, entry("location", location))
        .message(13, entry("offset", Long.toString(offset)))
        .message(13, entry("length", Long.toString(length)))
        .varint(14, 1);
  }

  static Proto entry(String key, String value) {
    return new Proto().string(1, key).string(2, value);
  }

  static Proto valueInfo(String name, OnnxDataType type, Object... dims) {
    Proto shape = new Proto();
    for (Object d : dims) {
      shape.message(1, d instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, ((Number) d).longValue()));
    }
    Proto tensorType = new Proto().varint(1, type.id()).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** A protobuf message under construction. */
  static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto tag(int field, int wireType) {
      return raw(varintBytes(((long) field << 3) | wireType));
    }

    Proto varint(int field, long value) {
      return tag(field, 0).raw(varintBytes(value));
    }

    Proto fixed32(int field, int value) {
      tag(field, 5);
      for (int i = 0; i < 4; i++) {
        out.write(value >>> (8 * i));
      }
      return this;
    }

    Proto bytes(int field, byte[] value) {
      return tag(field, 2).raw(varintBytes(value.length)).raw(value);
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(UTF_8));
    }

    Proto message(int field, Proto message) {
      return bytes(field, message.toByteArray());
    }

    Proto raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }

    static byte[] varintBytes(long value) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while ((value & ~0x7FL) != 0) {
        b.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      b.write((int) value);
      return b.toByteArray();
    }
  }
}
