package org.arbor.formats.pickle;

import static org.arbor.formats.pickle.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.torch.TorchCheckpointReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mutated and truncated inputs end in a report (or a FormatException for the reader), nothing else. */
class PickleFuzzTest {
  private static final List<byte[]> SEEDS = List.of(TV1, TV2, TV3, TV4, TV5, TV6, TV7, TV8, TV9, TV10, TV11, TV12,
      TV13, TV14, TV15, tv16(), TINY_DATA_PKL, NESTED_DATA_PKL, tinyTorchZip(), concat(TV2, tinyTorchZip()));

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void mutations_and_truncations_yield_a_report() throws Exception {
    Random random = new Random(20250521);
    int runs = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] seed = SEEDS.get(random.nextInt(SEEDS.size()));
      byte[] input = mutate(seed, random);
      ScanReport pickle = PickleScanner.scan(new ByteArrayInputStream(input), "fuzz.pkl");
      ScanReport file = ModelFileScanner.scan(new ByteArraySource(input), "fuzz.bin");
      assertThat(pickle.verdict()).isNotNull();
      assertThat(file.verdict()).isNotNull();
      try {
        TorchCheckpointReader.tensors(new ByteArraySource(input), "fuzz.bin");
      } catch (FormatException expected) {
        // a malformed checkpoint is a format error, never another exception
      }
      runs++;
    }
    assertThat(runs).isEqualTo(3_000);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void lying_lengths_do_not_allocate_or_hang() throws Exception {
    byte[][] liars = {
        hex("80 04 8d ff ff ff ff ff ff ff 7f"), // BINUNICODE8 of 2^63 bytes
        hex("80 05 96 00 00 00 00 01 00 00 00"), // BYTEARRAY8 of 2^32 bytes
        hex("8b ff ff ff 7f"), // LONG4 of 2 GiB
        hex("80 02 72 ff ff ff ff"), // LONG_BINPUT on an empty stack
        hex("80 02 5d 72 ff ff ff ff 6a ff ff ff ff 2e"), // sparse memo index
        hex("80 04 95 ff ff ff ff ff ff ff ff 2e"), // FRAME lying about its length
    };
    for (byte[] liar : liars) {
      assertThat(PickleScanner.scan(new ByteArrayInputStream(liar), "liar.pkl").verdict()).isNotNull();
    }
    byte[] deep = new byte[2_000_000];
    Arrays.fill(deep, (byte) '(');
    assertThat(PickleScanner.scan(new ByteArrayInputStream(deep), "marks.pkl").verdict()).isEqualTo(Verdict.ERROR);
    byte[] dups = new byte[3_000_000];
    Arrays.fill(dups, (byte) '2');
    dups[0] = 'N';
    assertThat(PickleScanner.scan(new ByteArrayInputStream(dups), "dup.pkl").verdict()).isEqualTo(Verdict.ERROR);
  }

  private static byte[] mutate(byte[] seed, Random r) {
    byte[] b = seed.clone();
    switch (r.nextInt(5)) {
      case 0 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncate
      case 1 -> { // flip bytes
        for (int k = 0, n = 1 + r.nextInt(4); k < n && b.length > 0; k++) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
      }
      case 2 -> { // insert random bytes
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = r.nextInt(b.length + 1);
        out.write(b, 0, at);
        for (int k = 0, n = 1 + r.nextInt(8); k < n; k++) {
          out.write(r.nextInt(256));
        }
        out.write(b, at, b.length - at);
        b = out.toByteArray();
      }
      case 3 -> { // splice two seeds
        byte[] other = SEEDS.get(r.nextInt(SEEDS.size()));
        int cut = r.nextInt(b.length + 1);
        b = concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, r.nextInt(other.length + 1), other.length));
      }
      default -> { // set a byte to an interesting value (lengths, opcodes)
        byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80, 0x28, 0x2e, (byte) 0x93, 0x52, 0x68, 0x71, (byte) 0x94};
        if (b.length > 0) {
          b[r.nextInt(b.length)] = interesting[r.nextInt(interesting.length)];
        }
      }
    }
    return b;
  }
}
