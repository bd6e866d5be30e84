package org.arbor.formats.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.arbor.formats.onnx.OnnxModel.ExternalData;
import org.arbor.formats.onnx.OnnxModel.Initializer;

class OnnxReaderPropertiesTest {

  /** One initializer to write: raw_data sized from dims x type, or external data with a location. */
  record Spec(OnnxDataType type, List<Long> dims, Optional<String> location, long offset) {
    long elements() {
      long n = 1;
      for (long d : dims) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    long byteSize() {
      return (elements() * type.bits().getAsInt() + 7) / 8;
    }

    long[] dimArray() {
      return dims.stream().mapToLong(Long::longValue).toArray();
    }
  }

  @Test
  void initializer_names_types_dims_and_sizes_round_trip() throws Exception {
    Random random = new Random(7);
    for (int trial = 0; trial < 300; trial++) {
      roundTrip(specs(random));
    }
  }

  private static void roundTrip(List<Spec> specs) throws Exception {
    OnnxWriter writer = OnnxWriter.model().opset("", 21);
    List<Initializer> expected = new ArrayList<>();
    LinkedHashSet<String> locations = new LinkedHashSet<>();
    long parameters = 0;
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      String name = "t" + i;
      Optional<ExternalData> ref = Optional.empty();
      if (s.location().isPresent()) {
        writer.externalInitializer(name, s.type(), s.dimArray(), s.location().get(), s.offset(), s.byteSize());
        ref = Optional.of(new ExternalData(name, s.location().get(), s.offset(), OptionalLong.of(s.byteSize())));
        locations.add(s.location().get());
      } else {
        writer.initializer(name, s.type(), s.dimArray(), new byte[(int) s.byteSize()]);
      }
      expected.add(new Initializer(name, s.type().name(), s.dims(), OptionalLong.of(s.byteSize()), ref));
      parameters += s.elements();
    }

    OnnxModel m = OnnxReaderTest.read(writer.build());

    assertThat(m.initializers()).isEqualTo(expected);
    assertThat(m.parameterCount()).isEqualTo(parameters);
    assertThat(m.externalDataLocations()).containsExactlyElementsOf(locations);
    assertThat(m.externalDataEscapesRepo()).isFalse();
  }

  /** Embedded tensors stay small (<= 4096 elements); external ones get multi-byte varint dims. */
  private static List<Spec> specs(Random random) {
    List<OnnxDataType> types = java.util.Arrays.stream(OnnxDataType.values()).filter(t -> t.bits().isPresent()).toList();
    List<Spec> out = new ArrayList<>();
    for (int i = random.nextInt(7); i > 0; i--) {
      OnnxDataType type = types.get(random.nextInt(types.size()));
      List<Long> dims = new ArrayList<>();
      if (random.nextBoolean()) {
        for (int d = random.nextInt(5); d > 0; d--) {
          dims.add((long) random.nextInt(9));
        }
        out.add(new Spec(type, dims, Optional.empty(), 0));
      } else {
        for (int d = random.nextInt(4); d > 0; d--) {
          dims.add(random.nextLong(0, 1L << 14)); // elements x bits stays far from overflow
        }
        String location = (random.nextBoolean() ? "weights/" : "") + "w" + random.nextInt(1000) + ".bin";
        out.add(new Spec(type, dims, Optional.of(location), random.nextLong(0, 1L << 40)));
      }
    }
    return out;
  }
}
