package org.arbor.formats.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteArraySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mutated valid files must parse or fail with FormatException: no other exception, hang or OOM. */
class SafetensorsFuzzTest {
  private static final long SEED = 20_250_101L;
  private static final int MUTATIONS = 5_000;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutated_files_parse_or_fail_with_format_exception() {
    List<byte[]> seeds = List.of(
        SafetensorsWriter.create().metadata("format", "pt").tensor("w", "F32", 2L, 3L).tensor("b", "F16", 3L).write(),
        SafetensorsWriter.create().tensor("scalar", "I64").tensor("empty", "BF16", 0L, 5L).tensor("q", "F4", 2L).write(),
        SafetensorsWriter.create().write());
    Random random = new Random(SEED);
    int parsed = 0;
    int rejected = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
      try {
        SafetensorsReader.read(new ByteArraySource(input), "fuzz.safetensors");
        parsed++;
      } catch (FormatException e) {
        rejected++;
      } catch (Throwable t) {
        fail("mutation " + i + " (seed " + SEED + ") threw " + t + " for " + Arrays.toString(input), t);
      }
    }
    assertThat(parsed + rejected).isEqualTo(MUTATIONS);
    assertThat(rejected).as("most mutations should be caught").isGreaterThan(MUTATIONS / 2);
  }

  static byte[] mutate(byte[] original, Random random) {
    byte[] b = original.clone();
    switch (random.nextInt(6)) {
      case 0 -> { // flip one to four bits
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
          int i = random.nextInt(b.length);
          b[i] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncate
      case 2 -> { // lying header length, often huge
        long n = switch (random.nextInt(4)) {
          case 0 -> random.nextLong();
          case 1 -> random.nextInt(200_000_000);
          case 2 -> b.length - 8 + random.nextInt(17) - 8;
          default -> Integer.MAX_VALUE;
        };
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
      }
      case 3 -> { // random byte inside the header
        long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        b[8 + random.nextInt((int) Math.max(1, Math.min(n, b.length - 8)))] = (byte) random.nextInt(256);
      }
      case 4 -> b = Arrays.copyOf(b, b.length + 1 + random.nextInt(64)); // append bytes
      default -> { // swap two bytes inside the header, e.g. digits and brackets
        int i = 8 + random.nextInt(b.length - 8);
        int j = 8 + random.nextInt(b.length - 8);
        byte t = b[i];
        b[i] = b[j];
        b[j] = t;
      }
    }
    return b;
  }
}
