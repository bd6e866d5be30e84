package org.arbor.formats.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.arbor.formats.gguf.GgufWriter.Array;
import org.junit.jupiter.api.Test;

/** parse(write(x)) == x over random metadata of every value type and random tensor infos (seeded). */
class GgufRoundTripTest {
  private static final long[] ALIGNMENTS = {1, 2, 8, 32, 64, 4096};
  private static final List<GgufValueType> SCALARS = java.util.Arrays.stream(GgufValueType.values())
      .filter(t -> t != GgufValueType.ARRAY).toList();

  /** A value as the writer takes it and as the reader should return it. */
  record Typed(GgufValueType type, Object written, Object expected) {}

  @Test
  void parse_of_write_gives_back_the_metadata_and_tensors() throws Exception {
    Random random = new Random(42);
    for (int trial = 0; trial < 500; trial++) {
      int version = 2 + random.nextInt(2);
      long alignment = ALIGNMENTS[random.nextInt(ALIGNMENTS.length)];
      GgufWriter writer = GgufWriter.v3().version(version).alignment(alignment);
      Map<String, Object> expectedMetadata = new LinkedHashMap<>();
      expectedMetadata.put("general.alignment", alignment);
      for (int k = random.nextInt(9); k > 0; k--) {
        String key = text(random, "abcdefghijklmnopqrstuvwxyz._", 1, 24);
        if (expectedMetadata.containsKey(key)) {
          continue;
        }
        Typed value = random.nextInt(5) == 0 ? array(random, 2) : scalar(random, SCALARS.get(random.nextInt(SCALARS.size())));
        writer.put(key, value.type(), value.written());
        expectedMetadata.put(key, value.expected());
      }
      List<GgufTensor> expectedTensors = new ArrayList<>();
      Set<String> names = new LinkedHashSet<>();
      long offset = 0;
      GgmlType[] types = GgmlType.values();
      for (int t = random.nextInt(7); t > 0; t--) {
        String name = text(random, "abcdefghijklmnopqrstuvwxyz._0123456789", 1, 63);
        if (!names.add(name)) {
          continue;
        }
        GgmlType type = types[random.nextInt(types.length)];
        List<Long> dims = new ArrayList<>();
        for (int d = random.nextInt(5); d > 0; d--) {
          long n = random.nextInt(5);
          dims.add(dims.isEmpty() ? n * type.blockSize() : n);
        }
        if (dims.isEmpty() && type.blockSize() > 1) {
          dims.add((long) type.blockSize());
        }
        writer.tensor(name, type, dims.stream().mapToLong(Long::longValue).toArray());
        long elements = dims.stream().reduce(1L, Math::multiplyExact);
        long byteSize = type.byteSize(elements);
        expectedTensors.add(new GgufTensor(name, dims, type, offset, byteSize));
        offset = GgufWriter.align(offset + byteSize, alignment);
      }

      GgufFile file = GgufReader.read(writer.toSource(), "roundtrip.gguf");

      assertThat(file.version()).as("trial %d", trial).isEqualTo(version);
      assertThat(file.alignment()).isEqualTo(alignment);
      assertThat(file.metadata()).isEqualTo(expectedMetadata);
      assertThat(file.metadata().keySet()).containsExactlyElementsOf(expectedMetadata.keySet());
      assertThat(file.tensors()).isEqualTo(expectedTensors);
      assertThat(file.dataOffset()).isEqualTo(writer.header().length);
    }
  }

  private static Typed array(Random random, int depth) {
    GgufValueType elementType = depth > 1 && random.nextInt(4) == 0
        ? GgufValueType.ARRAY : SCALARS.get(random.nextInt(SCALARS.size()));
    List<Object> written = new ArrayList<>();
    List<Object> expected = new ArrayList<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      Typed item = elementType == GgufValueType.ARRAY ? array(random, depth - 1) : scalar(random, elementType);
      written.add(item.written());
      expected.add(item.expected());
    }
    return new Typed(GgufValueType.ARRAY, new Array(elementType, written), expected);
  }

  private static Typed scalar(Random random, GgufValueType type) {
    Object value = switch (type) {
      case UINT8 -> (long) random.nextInt(256);
      case INT8 -> (long) (random.nextInt(256) - 128);
      case UINT16 -> (long) random.nextInt(65536);
      case INT16 -> (long) (random.nextInt(65536) - 32768);
      case UINT32 -> random.nextLong(0, 0x1_0000_0000L);
      case INT32 -> (long) random.nextInt();
      case UINT64, INT64 -> random.nextLong();
      case FLOAT32 -> random.nextInt(10) == 0 ? (double) Float.NaN : (double) (float) random.nextGaussian();
      case FLOAT64 -> random.nextInt(10) == 0 ? -0.0 : random.nextGaussian() * 1e6;
      case BOOL -> random.nextBoolean();
      case STRING -> text(random, "abc xyz~é中文0123", 0, 20);
      case ARRAY -> throw new IllegalArgumentException("not a scalar");
    };
    return new Typed(type, value, value);
  }

  private static String text(Random random, String alphabet, int min, int max) {
    int length = min + random.nextInt(max - min + 1);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
