package org.arbor.formats.onnx;

/** Ready-made ONNX files for tests in other packages and modules. */
public final class OnnxTestFiles {
  private OnnxTestFiles() {}

  /** A one-node model whose single initializer is stored in the external file {@code location}. */
  public static byte[] withExternalData(String location) {
    return OnnxWriter.model().opset("", 21)
        .node("Identity", java.util.List.of("w"), java.util.List.of("y"))
        .externalInitializer("w", OnnxDataType.FLOAT, new long[] {4, 4}, location, 0, 64)
        .build();
  }
}
