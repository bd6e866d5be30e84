package org.arbor.formats.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.arbor.formats.io.ByteArraySource;
import org.junit.jupiter.api.Test;

/** parse(write(x)) == x over random valid tensor sets (seeded, so a failure reproduces). */
class SafetensorsPropertiesTest {
  private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-/é ";

  @Test
  void parse_of_write_gives_back_the_tensors_and_metadata() throws Exception {
    Random random = new Random(20261127);
    List<String> dtypes = java.util.Arrays.stream(Dtype.values()).filter(d -> d.bits() % 8 == 0).map(Dtype::name).toList();
    for (int trial = 0; trial < 300; trial++) {
      SafetensorsWriter writer = SafetensorsWriter.create();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (int m = random.nextInt(4); m > 0; m--) {
        metadata.put(name(random, 1), name(random, 0));
      }
      metadata.forEach(writer::metadata);
      Set<String> names = new LinkedHashSet<>();
      for (int t = random.nextInt(12); t > 0; t--) {
        String n = name(random, 0);
        if (n.equals("__metadata__") || !names.add(n)) {
          continue;
        }
        List<Long> shape = new ArrayList<>();
        for (int d = random.nextInt(5); d > 0; d--) {
          shape.add((long) random.nextInt(7));
        }
        writer.tensor(n, dtypes.get(random.nextInt(dtypes.size())), shape);
      }

      SafetensorsHeader header = SafetensorsReader.read(new ByteArraySource(writer.write()), "p.safetensors");

      assertThat(header.tensors()).as("trial %d", trial).isEqualTo(writer.tensors());
      assertThat(header.metadata()).isEqualTo(metadata);
      assertThat(header.parameterCount())
          .isEqualTo(writer.tensors().stream().mapToLong(TensorInfo::parameterCount).sum());
    }
  }

  private static String name(Random random, int minLength) {
    int length = minLength + random.nextInt(16 - minLength + 1);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return s.toString();
  }
}
