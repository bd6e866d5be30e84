package org.arbor.formats.safetensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated safetensors header. Tensors are in data order (by {@code begin}); for tensors that
 * start at the same offset (empty ones) the header order is kept.
 *
 * @param headerSize 8 + N: the length field and the JSON header, which is also where data starts
 */
public record SafetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata, long headerSize) {
  public SafetensorsHeader {
    tensors = List.copyOf(tensors);
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** File offset of the data section; {@code data_offsets} are relative to it. */
  public long dataOffset() {
    return headerSize;
  }

  /** Elements per dtype, sorted by dtype name, as the Hub reports {@code parameter_count}. */
  public Map<String, Long> parametersByDtype() {
    Map<String, Long> counts = new TreeMap<>();
    for (TensorInfo t : tensors) {
      counts.merge(t.dtype(), t.parameterCount(), Math::addExact);
    }
    return Collections.unmodifiableMap(counts);
  }

  /** Stored parameters: tied tensors are stored once, so this can be below a framework's count. */
  public long parameterCount() {
    long total = 0;
    for (TensorInfo t : tensors) {
      total = Math.addExact(total, t.parameterCount());
    }
    return total;
  }
}
