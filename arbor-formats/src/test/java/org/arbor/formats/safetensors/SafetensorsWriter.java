package org.arbor.formats.safetensors;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds safetensors files for tests: valid ones, and the pieces to corrupt them. */
final class SafetensorsWriter {
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<TensorInfo> tensors = new ArrayList<>();
  private long next;

  static SafetensorsWriter create() {
    return new SafetensorsWriter();
  }

  SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Adds a tensor after the previous ones; its byte length follows from dtype and shape. */
  SafetensorsWriter tensor(String name, String dtype, Long... shape) {
    return tensor(name, dtype, List.of(shape));
  }

  SafetensorsWriter tensor(String name, String dtype, List<Long> shape) {
    long elements = 1;
    for (long d : shape) {
      elements *= d;
    }
    long bytes = elements * Dtype.byName(dtype).orElseThrow().bits() / 8;
    tensors.add(new TensorInfo(name, dtype, shape, next, next + bytes));
    next += bytes;
    return this;
  }

  List<TensorInfo> tensors() {
    return List.copyOf(tensors);
  }

  Map<String, String> metadataMap() {
    return Map.copyOf(metadata);
  }

  String headerJson() {
    List<String> entries = new ArrayList<>();
    if (!metadata.isEmpty()) {
      entries.add("\"__metadata__\":{" + metadata.entrySet().stream()
          .map(e -> quote(e.getKey()) + ":" + quote(e.getValue())).collect(Collectors.joining(",")) + "}");
    }
    for (TensorInfo t : tensors) {
      entries.add(quote(t.name()) + ":{\"dtype\":\"" + t.dtype() + "\",\"shape\":"
          + t.shape() .toString().replace(" ", "") + ",\"data_offsets\":[" + t.begin() + "," + t.end() + "]}");
    }
    return "{" + String.join(",", entries) + "}";
  }

  /** The file, with the header space-padded to a multiple of 8 as the reference writer does. */
  byte[] write() {
    return file(headerJson(), Math.toIntExact(next), true);
  }

  /** A file with exactly this header text and {@code dataBytes} bytes of data (a counting pattern). */
  static byte[] file(String headerJson, int dataBytes) {
    return file(headerJson, dataBytes, false);
  }

  private static byte[] file(String headerJson, int dataBytes, boolean pad) {
    byte[] header = headerJson.getBytes(UTF_8);
    int padded = pad ? (header.length + 7) / 8 * 8 : header.length;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(header);
    for (int i = header.length; i < padded; i++) {
      b.put((byte) ' ');
    }
    for (int i = 0; i < dataBytes; i++) {
      b.put((byte) i);
    }
    return b.array();
  }

  /** A copy of {@code file} whose first 8 bytes claim a header length of {@code n}. */
  static byte[] withHeaderLength(byte[] file, long n) {
    byte[] copy = file.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
    return copy;
  }

  /** A copy of {@code file} with {@code extra} bytes appended to the data section. */
  static byte[] withTrailingBytes(byte[] file, int extra) {
    return java.util.Arrays.copyOf(file, file.length + extra);
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
