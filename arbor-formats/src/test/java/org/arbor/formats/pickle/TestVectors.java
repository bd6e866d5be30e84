package org.arbor.formats.pickle;

/** Fixtures shared with tests in other packages. */
public final class TestVectors {
  private TestVectors() { }

  public static byte[] tinyTorchZip() {
    return Vectors.tinyTorchZip();
  }

  public static byte[] nestedTorchZip() {
    return Vectors.torchZip(Vectors.NESTED_DATA_PKL, 16, 8);
  }

  public static byte[] torchZipWithoutStorages() {
    return Vectors.torchZip(Vectors.TINY_DATA_PKL);
  }

  /** w claims numel 6 but the patched pickle says 5 (BININT1 06 → 05 in the persistent id). */
  public static byte[] torchZipWithShortStorage() {
    byte[] p = Vectors.TINY_DATA_PKL.clone();
    // "...cpu" q07 K 06 t ..." — the first numel
    for (int i = 0; i + 3 < p.length; i++) {
      if (p[i] == 0x71 && p[i + 1] == 0x07 && p[i + 2] == 0x4b && p[i + 3] == 0x06) {
        p[i + 3] = 0x05;
        break;
      }
    }
    return Vectors.torchZip(p, 24, 12);
  }
}
