package org.arbor.formats.onnx;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.arbor.formats.onnx.OnnxDataType.FLOAT;
import static org.arbor.formats.onnx.OnnxDataType.INT64;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.arbor.formats.FormatException;
import org.arbor.formats.onnx.OnnxWriter.Proto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutates valid models at random (seeded, so a failure replays) and requires that the reader
 * either returns a model or throws {@link FormatException}: nothing else, no hang, no OOM.
 */
class OnnxReaderFuzzTest {
  private static final int ITERATIONS = 5_000;

  @Test
  @Timeout(value = 60, unit = SECONDS)
  void random_mutations_and_truncations_give_a_model_or_a_format_exception() {
    List<byte[]> seeds = List.of(smallModel(), externalAndNestedModel());
    Random random = new Random(0x0_22_20_26_11_27L);
    int parsed = 0;
    int rejected = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] input = mutate(seeds.get(i % seeds.size()), random);
      try {
        OnnxReaderTest.read(input);
        parsed++;
      } catch (FormatException e) {
        assertThat(e.getMessage()).startsWith("m.onnx: ");
        rejected++;
      } catch (Throwable t) {
        throw new AssertionError("iteration " + i + ": " + t + " for input " + HexFormat.of().formatHex(input), t);
      }
    }
    assertThat(parsed).as("some mutants still parse").isPositive();
    assertThat(rejected).as("some mutants are rejected").isPositive();
    assertThat(parsed + rejected).isEqualTo(ITERATIONS);
  }

  private static byte[] mutate(byte[] seed, Random r) {
    byte[] b = seed.clone();
    int rounds = 1 + r.nextInt(3);
    for (int k = 0; k < rounds && b.length > 0; k++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(8)) {
        case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));                             // flip a bit
        case 1 -> b[at] = (byte) r.nextInt(256);                                   // random byte
        case 2 -> b = Arrays.copyOf(b, at);                                        // truncate
        case 3 -> b[at] = new byte[] {(byte) 0xFF, (byte) 0x80, 0x00, 0x7F, 0x0B, 0x0C}[r.nextInt(6)];
        case 4 -> {                                                                // insert random bytes
          byte[] extra = new byte[1 + r.nextInt(8)];
          r.nextBytes(extra);
          b = OnnxReaderTest.concat(Arrays.copyOf(b, at), extra, Arrays.copyOfRange(b, at, b.length));
        }
        case 5 -> {                                                                // delete a range
          int end = Math.min(b.length, at + 1 + r.nextInt(16));
          b = OnnxReaderTest.concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, end, b.length));
        }
        case 6 -> {                                                                // duplicate a slice
          int end = Math.min(b.length, at + 1 + r.nextInt(32));
          b = OnnxReaderTest.concat(Arrays.copyOf(b, end), Arrays.copyOfRange(b, at, b.length));
        }
        default -> {                                                               // a huge varint length
          byte[] huge = Proto.varintBytes(r.nextBoolean() ? Long.MAX_VALUE : (1L << 31) + r.nextInt(1000));
          System.arraycopy(huge, 0, b, at, Math.min(huge.length, b.length - at));
        }
      }
    }
    return b;
  }

  private static byte[] smallModel() {
    return OnnxWriter.model()
        .producer("pytorch", "2.3").opset("", 17).metadata("k", "v")
        .node("MatMul", List.of("x", "W"), List.of("y"))
        .node("Relu", List.of("y"), List.of("z"))
        .input("x", FLOAT, "batch", 3)
        .output("z", FLOAT, "batch", 4)
        .initializer("W", FLOAT, new long[] {3, 4}, new byte[48])
        .build();
  }

  private static byte[] externalAndNestedModel() {
    Proto constant = OnnxWriter.node("Constant", "", List.of(), List.of("c"))
        .message(5, new Proto().string(1, "value").message(5,
            OnnxWriter.externalTensor("c", FLOAT, new long[] {2}, "const.bin", 0, 8)));
    Proto thenBranch = new Proto().message(1, constant).string(2, "then");
    Proto ifNode = OnnxWriter.node("If", "", List.of("cond"), List.of("o"))
        .message(5, new Proto().string(1, "then_branch").message(6, thenBranch));
    Proto typed = OnnxWriter.tensor("i", INT64, new long[] {3}).bytes(7, new byte[] {1, 2, (byte) 0x80, 1})
        .bytes(4, new byte[8]);
    return OnnxWriter.model()
        .opset("", 17)
        .graphField(1, ifNode)
        .graphField(5, typed)
        .externalInitializer("w", FLOAT, new long[] {1024, 1024}, "model.onnx_data", 0, 4 << 20)
        .externalInitializer("x", FLOAT, new long[] {4}, "../outside.bin", 64, 16)
        .build();
  }
}
