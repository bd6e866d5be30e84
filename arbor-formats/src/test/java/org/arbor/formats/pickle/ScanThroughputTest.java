package org.arbor.formats.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Prints scan throughput on one core for large benign pickles; the goal is ≥ 300 MB/s (not asserted). */
class ScanThroughputTest {

  @Test
  void prints_scan_throughput() throws Exception {
    byte[] arrays = numpyLikeArrays(1_500, 64 * 1024); // ~100 MB: big tensors as bytes, like a pickled dict of ndarrays
    byte[] small = manySmallValues(4_000_000); // ~60 MB of small opcodes: floats, ints, short strings
    for (int warm = 0; warm < 2; warm++) {
      PickleScanner.scan(new ByteArrayInputStream(arrays), "warm.pkl");
      PickleScanner.scan(new ByteArrayInputStream(small), "warm.pkl");
    }
    report("arrays (ndarray-style bytes)", arrays);
    report("small values (opcode-heavy)", small);
  }

  private static void report(String what, byte[] pickle) throws Exception {
    long t0 = System.nanoTime();
    ScanReport r = PickleScanner.scan(new ByteArrayInputStream(pickle), "big.pkl");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(r.verdict()).as(r.findings().toString()).isEqualTo(Verdict.SAFE);
    System.out.printf("pickle scan throughput, %s: %.1f MB in %.3f s = %.0f MB/s%n",
        what, pickle.length / 1e6, seconds, pickle.length / 1e6 / seconds);
  }

  /** {name_i: numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b') with BUILD state holding raw bytes}. */
  private static byte[] numpyLikeArrays(int count, int bytesEach) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x80, 4, 0x7d, (byte) 0x94, 0x28});
    out.writeBytes("cnumpy.core.multiarray\n_reconstruct\n".getBytes(StandardCharsets.US_ASCII));
    out.write(0x94); // memo 1 (memo 0 is the dict)
    out.writeBytes("cnumpy\nndarray\n".getBytes(StandardCharsets.US_ASCII));
    out.write(0x94); // memo 2
    out.writeBytes("cnumpy\ndtype\n".getBytes(StandardCharsets.US_ASCII));
    out.write(0x94); // memo 3
    out.write(0x30);
    out.write(0x30);
    out.write(0x30);
    for (int i = 0; i < count; i++) {
      byte[] key = ("layer." + i + ".weight").getBytes(StandardCharsets.UTF_8);
      out.write(0x8c);
      out.write(key.length);
      out.writeBytes(key);
      out.writeBytes(new byte[] {0x68, 1, 0x68, 2, 0x4b, 0, (byte) 0x85, 0x43, 1, (byte) 'b', (byte) 0x87, 0x52}); // _reconstruct(...)
      // state: (1, (n,), dtype('f4'), False, raw bytes)
      out.writeBytes(new byte[] {0x28, 0x4b, 1, 0x4a});
      out.writeBytes(PickleScannerTest.le4(bytesEach / 4));
      out.write(0x85);
      out.writeBytes(new byte[] {0x68, 3, (byte) 0x8c, 2, (byte) 'f', (byte) '4', (byte) 0x85, 0x52, (byte) 0x89, 0x42});
      out.writeBytes(PickleScannerTest.le4(bytesEach));
      out.writeBytes(new byte[bytesEach]);
      out.writeBytes(new byte[] {0x74, 0x62}); // TUPLE, BUILD
      if (i % 1000 == 999) {
        out.writeBytes(new byte[] {0x75, 0x28}); // SETITEMS, MARK
      }
    }
    out.writeBytes(new byte[] {0x75, 0x2e});
    return out.toByteArray();
  }

  /** A list of many small values appended in batches of 1000, as pickle writes them. */
  private static byte[] manySmallValues(int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x80, 4, 0x5d, (byte) 0x94, 0x28});
    for (int i = 0; i < count; i++) {
      switch (i % 3) {
        case 0 -> out.writeBytes(new byte[] {0x47, 0x3f, (byte) 0xf8, 0, 0, 0, 0, 0, 0});
        case 1 -> out.writeBytes(new byte[] {0x4a, (byte) i, (byte) (i >> 8), 0, 0});
        default -> out.writeBytes(new byte[] {(byte) 0x8c, 3, 'a', 'b', 'c'});
      }
      if (i % 1000 == 999) {
        out.writeBytes(new byte[] {0x65, 0x28});
      }
    }
    out.writeBytes(new byte[] {0x65, 0x2e});
    return out.toByteArray();
  }
}
