package org.arbor.formats.gguf;

import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.arbor.formats.FormatException;
import org.arbor.formats.gguf.GgufWriter.Array;
import org.arbor.formats.io.ByteArraySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutates and truncates valid files at random: the reader must either return or throw
 * FormatException. Any other exception, a hang or an OutOfMemoryError fails the test, which names
 * the seed and iteration to replay.
 */
class GgufFuzzTest {
  private static final int ITERATIONS = 5_000;
  private static final long[] INTERESTING = {
    0, 1, 2, 3, 4, 5, 7, 8, 12, 13, 31, 32, 33, 63, 64, 255, 256, 0x7F, 0x80, 0xFFFF, 0x7FFF_FFFFL,
    0x8000_0000L, 0xFFFF_FFFFL, 1L << 32, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -1L, 0x1D1D1D1D1D1D1D1DL
  };

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void random_mutations_and_truncations_only_ever_fail_with_format_exception() {
    List<byte[]> seeds = List.of(
        GgufReaderTest.tinyLlama().toBytes(),
        GgufWriter.v2()
            .put("general.alignment", GgufValueType.UINT32, 64L)
            .putArray("nested", GgufValueType.ARRAY, List.of(
                new Array(GgufValueType.INT16, List.of(1L, -1L)), new Array(GgufValueType.STRING, List.of("é"))))
            .putArray("flags", GgufValueType.BOOL, List.of(true, false))
            .putArray("f64", GgufValueType.FLOAT64, List.of(1.0, 2.0))
            .put("u64", GgufValueType.UINT64, 7L)
            .tensor("a", GgmlType.IQ2_XS, 256, 2)
            .tensor("b", GgmlType.BF16, 3, 1, 1, 2)
            .tensor("c", GgmlType.MXFP4, 64)
            .toBytes(),
        GgufWriter.v3().tensor("x", GgmlType.F32).toBytes());
    long seed = 0x6767_7566L;
    Random random = new Random(seed);
    int accepted = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] original = seeds.get(i % seeds.size());
      byte[] mutated = mutate(original, random);
      try {
        GgufReader.read(new ByteArraySource(mutated), "fuzz");
        accepted++;
      } catch (FormatException expected) {
        // the only acceptable failure
      } catch (Throwable t) {
        fail("seed " + seed + ", iteration " + i + ": " + t + " for " + Arrays.toString(mutated), t);
      }
    }
    System.out.printf("gguf fuzz: %d mutations, %d still parsed%n", ITERATIONS, accepted);
  }

  private static byte[] mutate(byte[] original, Random random) {
    byte[] b = original.clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && b.length > 0; m++) {
      switch (random.nextInt(6)) {
        case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        case 2 -> put(b, random.nextInt(b.length), INTERESTING[random.nextInt(INTERESTING.length)], 8);
        case 3 -> put(b, random.nextInt(b.length), INTERESTING[random.nextInt(INTERESTING.length)], 4);
        case 4 -> b = Arrays.copyOf(b, random.nextInt(b.length));
        default -> {
          int from = random.nextInt(b.length);
          int length = random.nextInt(Math.min(16, b.length - from) + 1);
          byte[] shorter = new byte[b.length - length];
          System.arraycopy(b, 0, shorter, 0, from);
          System.arraycopy(b, from + length, shorter, from, b.length - from - length);
          b = shorter;
        }
      }
    }
    return b;
  }

  private static void put(byte[] b, int at, long value, int width) {
    for (int i = 0; i < width && at + i < b.length; i++) {
      b[at + i] = (byte) (value >>> (8 * i));
    }
  }
}
