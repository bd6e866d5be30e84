package org.arbor.formats.onnx;

import static org.arbor.formats.onnx.OnnxDataType.FLOAT;
import static org.arbor.formats.onnx.OnnxDataType.FLOAT16;
import static org.arbor.formats.onnx.OnnxDataType.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.onnx.OnnxModel.Dim;
import org.arbor.formats.onnx.OnnxModel.ExternalData;
import org.arbor.formats.onnx.OnnxModel.Initializer;
import org.arbor.formats.onnx.OnnxModel.OpsetId;
import org.arbor.formats.onnx.OnnxModel.ValueInfo;
import org.arbor.formats.onnx.OnnxWriter.Proto;
import org.junit.jupiter.api.Test;

class OnnxReaderTest {

  @Test
  void reads_exact_values_of_a_small_model() throws Exception {
    byte[] file = OnnxWriter.model()
        .irVersion(9).producer("pytorch", "2.3.1").domain("org.arbor").modelVersion(7)
        .opset("", 17).opset("com.microsoft", 1)
        .metadata("author", "alice").metadata("license", "mit")
        .graphName("main_graph")
        .node("MatMul", List.of("x", "W"), List.of("h"))
        .node("Add", List.of("h", "b"), List.of("h2"))
        .node("Relu", List.of("h2"), List.of("h3"))
        .graphField(1, OnnxWriter.node("FusedGelu", "com.microsoft", List.of("h3"), List.of("y")))
        .node("Relu", List.of("y"), List.of("z"))
        .input("x", FLOAT, "batch", 3)
        .output("z", FLOAT16, "batch", 4L)
        .initializer("W", FLOAT, new long[] {3, 4}, new byte[48])
        .initializer("b", INT64, new long[] {4}, new byte[32])
        .initializer("scale", FLOAT, new long[] {}, new byte[4])
        .build();

    OnnxModel m = read(file);

    assertThat(m.irVersion()).isEqualTo(9);
    assertThat(m.producerName()).isEqualTo("pytorch");
    assertThat(m.producerVersion()).isEqualTo("2.3.1");
    assertThat(m.domain()).isEqualTo("org.arbor");
    assertThat(m.modelVersion()).isEqualTo(7);
    assertThat(m.opsetImports()).containsExactly(new OpsetId("", 17), new OpsetId("com.microsoft", 1));
    assertThat(m.metadata()).containsExactly(Map.entry("author", "alice"), Map.entry("license", "mit"));
    assertThat(m.graphName()).isEqualTo("main_graph");
    assertThat(m.nodeCount()).isEqualTo(5);
    assertThat(m.opTypes()).containsExactly(
        Map.entry("Add", 1L), Map.entry("MatMul", 1L), Map.entry("Relu", 2L), Map.entry("com.microsoft:FusedGelu", 1L));
    assertThat(m.inputs()).containsExactly(new ValueInfo("x", "tensor", "FLOAT",
        Optional.of(List.of(new Dim.Param("batch"), new Dim.Value(3)))));
    assertThat(m.outputs()).containsExactly(new ValueInfo("z", "tensor", "FLOAT16",
        Optional.of(List.of(new Dim.Param("batch"), new Dim.Value(4)))));
    assertThat(m.initializers()).containsExactly(
        new Initializer("W", "FLOAT", List.of(3L, 4L), OptionalLong.of(48), Optional.empty()),
        new Initializer("b", "INT64", List.of(4L), OptionalLong.of(32), Optional.empty()),
        new Initializer("scale", "FLOAT", List.of(), OptionalLong.of(4), Optional.empty()));
    assertThat(m.parameterCount()).isEqualTo(12 + 4 + 1);
    assertThat(m.externalData()).isEmpty();
    assertThat(m.externalDataLocations()).isEmpty();
    assertThat(m.externalDataEscapesRepo()).isFalse();
  }

  /** The MatMul model from trust.md §2.3 (onnx 1.23.1), with x:[1,2] and y:[1,3] filled in. */
  @Test
  void reads_the_onnx_matmul_layout_byte_for_byte() throws Exception {
    byte[] file = HexFormat.of().parseHex((""
        + "0808 12027476 3a65"
        + "0a11 0a0178 0a0157 120179 22064d61744d756c"
        + "120167"
        + "2a23 0802 0803 1001 420157 4a18 000000000000000000000000000000000000000000000000"
        + "5a13 0a0178 120e 0a0c 0801 1208 0a020801 0a020802"
        + "6213 0a0179 120e 0a0c 0801 1208 0a020801 0a020803"
        + "4204 0a00 1011").replace(" ", ""));
    assertThat(file).hasSize(115);

    OnnxModel m = read(file);

    assertThat(m.irVersion()).isEqualTo(8);
    assertThat(m.producerName()).isEqualTo("tv");
    assertThat(m.graphName()).isEqualTo("g");
    assertThat(m.opsetImports()).containsExactly(new OpsetId("", 17));
    assertThat(m.opTypes()).containsExactly(Map.entry("MatMul", 1L));
    assertThat(m.initializers()).containsExactly(
        new Initializer("W", "FLOAT", List.of(2L, 3L), OptionalLong.of(24), Optional.empty()));
    assertThat(m.parameterCount()).isEqualTo(6);
    assertThat(m.inputs().getFirst().shape()).contains(List.of(new Dim.Value(1), new Dim.Value(2)));
  }

  @Test
  void reports_external_data_and_which_locations_escape_the_repo() throws Exception {
    byte[] file = OnnxWriter.model()
        .externalInitializer("w1", FLOAT, new long[] {1024, 1024}, "model.onnx_data", 0, 4 << 20)
        .externalInitializer("w2", FLOAT, new long[] {1024}, "model.onnx_data", 4 << 20, 4096)
        .externalInitializer("evil", FLOAT, new long[] {1}, "../../../../etc/passwd", 0, 4)
        .externalInitializer("abs", FLOAT, new long[] {1}, "/etc/shadow", 16, 4)
        .build();

    OnnxModel m = read(file);

    assertThat(m.externalDataLocations())
        .containsExactly("model.onnx_data", "../../../../etc/passwd", "/etc/shadow");
    assertThat(m.externalData()).containsExactly(
        new ExternalData("w1", "model.onnx_data", 0, OptionalLong.of(4 << 20)),
        new ExternalData("w2", "model.onnx_data", 4 << 20, OptionalLong.of(4096)),
        new ExternalData("evil", "../../../../etc/passwd", 0, OptionalLong.of(4)),
        new ExternalData("abs", "/etc/shadow", 16, OptionalLong.of(4)));
    assertThat(m.externalData()).extracting(ExternalData::escapesRepo).containsExactly(false, false, true, true);
    assertThat(m.externalDataEscapesRepo()).isTrue();
    assertThat(m.initializers().getFirst().byteSize()).hasValue(4 << 20);
    assertThat(m.initializers().getFirst().external()).map(ExternalData::location).hasValue("model.onnx_data");
    assertThat(m.parameterCount()).isEqualTo(1024 * 1024 + 1024 + 1 + 1);
  }

  @Test
  void a_model_with_only_contained_external_data_does_not_escape() throws Exception {
    OnnxModel m = read(OnnxWriter.model()
        .externalInitializer("w", FLOAT, new long[] {2}, "weights/part-0.bin", 0, 8).build());

    assertThat(m.externalDataEscapesRepo()).isFalse();
  }

  @Test
  void escape_rules_cover_absolute_dotdot_backslash_drive_and_nul() {
    assertThat(OnnxModel.escapesRepo("model.onnx_data")).isFalse();
    assertThat(OnnxModel.escapesRepo("sub/dir/w.bin")).isFalse();
    assertThat(OnnxModel.escapesRepo("..data")).isFalse();
    assertThat(OnnxModel.escapesRepo("a..b/c")).isFalse();
    assertThat(OnnxModel.escapesRepo("")).isTrue();
    assertThat(OnnxModel.escapesRepo("/etc/passwd")).isTrue();
    assertThat(OnnxModel.escapesRepo("..")).isTrue();
    assertThat(OnnxModel.escapesRepo("../w.bin")).isTrue();
    assertThat(OnnxModel.escapesRepo("sub/../../w.bin")).isTrue();
    assertThat(OnnxModel.escapesRepo("sub/..")).isTrue();
    assertThat(OnnxModel.escapesRepo("..\\w.bin")).isTrue();
    assertThat(OnnxModel.escapesRepo("sub\\w.bin")).isTrue();
    assertThat(OnnxModel.escapesRepo("C:/weights.bin")).isTrue();
    assertThat(OnnxModel.escapesRepo("c:weights.bin")).isTrue();
    assertThat(OnnxModel.escapesRepo("w.bin\0.txt")).isTrue();
  }

  @Test
  void finds_external_data_in_constant_nodes_subgraphs_and_sparse_initializers() throws Exception {
    Proto constant = OnnxWriter.node("Constant", "", List.of(), List.of("c"))
        .message(5, new Proto().string(1, "value").message(5,
            OnnxWriter.externalTensor("c", FLOAT, new long[] {2}, "const.bin", 0, 8)));
    Proto thenBranch = new Proto()
        .message(5, OnnxWriter.externalTensor("t", FLOAT, new long[] {2}, "../then.bin", 0, 8))
        .string(2, "then");
    Proto ifNode = OnnxWriter.node("If", "", List.of("cond"), List.of("o"))
        .message(5, new Proto().string(1, "then_branch").message(6, thenBranch));
    Proto sparse = new Proto()
        .message(1, OnnxWriter.externalTensor("sv", FLOAT, new long[] {3}, "sparse.bin", 0, 12))
        .message(2, OnnxWriter.tensor("si", INT64, new long[] {3}).bytes(9, new byte[24]))
        .varint(3, 100);

    OnnxModel m = read(OnnxWriter.model()
        .graphField(1, constant).graphField(1, ifNode).graphField(15, sparse).build());

    assertThat(m.externalDataLocations()).containsExactly("const.bin", "../then.bin", "sparse.bin");
    assertThat(m.externalDataEscapesRepo()).isTrue();
    assertThat(m.nodeCount()).isEqualTo(2);
    assertThat(m.initializers()).isEmpty();
    assertThat(m.parameterCount()).isZero();
  }

  @Test
  void accepts_packed_dims_typed_data_and_skips_unknown_fields_of_every_wire_type() throws Exception {
    byte[] packedDims = concat(Proto.varintBytes(2), Proto.varintBytes(300));
    Proto typed = new Proto().bytes(1, packedDims).varint(2, FLOAT.id()).string(8, "f")
        .bytes(4, new byte[2400])                                      // packed float_data: 600 floats
        .varint(999, 5).tag(998, 1).raw(new byte[8]).bytes(997, new byte[3]).fixed32(996, 7);
    Proto ints = OnnxWriter.tensor("i", INT64, new long[] {3})
        .varint(7, 1).varint(7, 1L << 40).varint(7, -1);               // unpacked int64_data
    Proto strings = OnnxWriter.tensor("s", OnnxDataType.STRING, new long[] {2})
        .string(6, "hello").string(6, "hi");
    byte[] file = OnnxWriter.model()
        .graphField(5, typed).graphField(5, ints).graphField(5, strings)
        .graphField(4242, new Proto().varint(1, 1))
        .modelField(77, new Proto().string(1, "future field"))
        .build();

    OnnxModel m = read(file);

    assertThat(m.initializers()).containsExactly(
        new Initializer("f", "FLOAT", List.of(2L, 300L), OptionalLong.of(2400), Optional.empty()),
        new Initializer("i", "INT64", List.of(3L), OptionalLong.of(24), Optional.empty()),
        new Initializer("s", "STRING", List.of(2L), OptionalLong.of(7), Optional.empty()));
    assertThat(m.parameterCount()).isEqualTo(600 + 3 + 2);
  }

  /**
   * A 3 GiB model whose weights are a virtual run of zeros: the reader must answer from the
   * field headers, reading a few KiB; of the payload it sees at most one read-ahead window.
   */
  @Test
  void reads_a_3_gib_model_without_reading_its_weights() throws Exception {
    long rawLength = 3L << 30;
    byte[] tensorHead = new Proto().varint(1, 786_432).varint(1, 1024).varint(2, 1).string(8, "W")
        .tag(9, 2).raw(Proto.varintBytes(rawLength)).toByteArray();
    long tensorLength = tensorHead.length + rawLength;
    byte[] graphTail = new Proto().message(11, OnnxWriter.valueInfo("x", FLOAT, "n", 786_432))
        .message(12, OnnxWriter.valueInfo("y", FLOAT, "n", 1024)).toByteArray();
    byte[] graphHead = concat(new Proto().string(2, "big").tag(5, 2).toByteArray(), Proto.varintBytes(tensorLength));
    long graphLength = graphHead.length + tensorLength + graphTail.length;
    byte[] prefix = concat(new Proto().varint(1, 8).tag(7, 2).toByteArray(), Proto.varintBytes(graphLength),
        graphHead, tensorHead);
    byte[] suffix = concat(graphTail, new Proto().message(8, new Proto().string(1, "").varint(2, 17)).toByteArray());
    CountingSparseSource source = new CountingSparseSource(prefix, rawLength, suffix);

    OnnxModel m = OnnxReader.read(source, "big.onnx");

    assertThat(m.initializers()).containsExactly(
        new Initializer("W", "FLOAT", List.of(786_432L, 1024L), OptionalLong.of(rawLength), Optional.empty()));
    assertThat(m.parameterCount()).isEqualTo(805_306_368L);
    assertThat(m.outputs()).extracting(ValueInfo::name).containsExactly("y");
    assertThat(m.opsetImports()).containsExactly(new OpsetId("", 17));
    assertThat(source.bytesRead).isLessThan(64 * 1024);
    assertThat(source.payloadBytesRead).isLessThan(8192);
  }

  // ---- malformed input: each names the offset and what was being read ---------------------

  @Test
  void rejects_a_truncated_varint() {
    FormatException e = readFails("08 80 80");

    assertThat(e.offset()).isEqualTo(1);
    assertThat(e.getMessage()).isEqualTo("m.onnx: offset 1: ModelProto.ir_version: truncated varint");
  }

  @Test
  void rejects_a_varint_longer_than_ten_bytes() {
    FormatException e = readFails("08 ff ff ff ff ff ff ff ff ff 7f");

    assertThat(e.offset()).isEqualTo(1);
    assertThat(e.getMessage()).contains("varint longer than 64 bits");
  }

  @Test
  void rejects_a_length_past_the_end() {
    FormatException e = readFails("12 05 61 62");

    assertThat(e.offset()).isEqualTo(1);
    assertThat(e.getMessage()).contains("ModelProto.producer_name: length 5 exceeds the 2 bytes left");
  }

  @Test
  void rejects_a_sub_message_longer_than_its_parent() {
    // graph (3a 04) holds a node claiming 9 bytes of the 2 that follow it
    FormatException e = readFails("3a 04 0a 09 00 00");

    assertThat(e.offset()).isEqualTo(3);
    assertThat(e.getMessage()).contains("GraphProto.node: length 9 exceeds the 2 bytes left");
  }

  @Test
  void rejects_a_known_field_with_the_wrong_wire_type() {
    FormatException e = readFails("08 08 0a 00");

    assertThat(e.offset()).isEqualTo(2);
    assertThat(e.getMessage()).contains("ModelProto.ir_version: wire type 2, expected 0");
  }

  @Test
  void rejects_group_wire_types() {
    FormatException start = readFails("08 08 0b");
    FormatException end = readFails("a4 06");

    assertThat(start.offset()).isEqualTo(2);
    assertThat(start.getMessage()).contains("field 1: group wire type 3 is not supported");
    assertThat(end.offset()).isEqualTo(0);
    assertThat(end.getMessage()).contains("field 100: group wire type 4 is not supported");
  }

  @Test
  void rejects_field_number_zero_and_wire_types_6_and_7() {
    assertThat(readFails("00 00").getMessage()).contains("field number 0");
    assertThat(readFails("0e").getMessage()).contains("invalid wire type 6");
    assertThat(readFails("0f").getMessage()).contains("invalid wire type 7");
  }

  @Test
  void rejects_nesting_deeper_than_the_limit() {
    Proto graph = new Proto().string(2, "leaf");
    for (int i = 0; i < 40; i++) {          // each level: graph > node > attribute > graph
      Proto node = OnnxWriter.node("If", "", List.of("c"), List.of("o"))
          .message(5, new Proto().string(1, "then_branch").message(6, graph));
      graph = new Proto().message(1, node);
    }
    byte[] file = new Proto().varint(1, 8).message(7, graph).toByteArray();

    FormatException e = catchThrowableOfType(FormatException.class, () -> read(file));

    assertThat(e).isNotNull();
    assertThat(e.offset()).isPositive();
    assertThat(e.getMessage()).contains("nested more than 100 deep");
  }

  @Test
  void accepts_nesting_within_the_limit() throws Exception {
    Proto graph = new Proto().string(2, "leaf");
    for (int i = 0; i < 30; i++) {          // 1 + 3 * 30 = 91 levels
      Proto node = OnnxWriter.node("If", "", List.of("c"), List.of("o"))
          .message(5, new Proto().string(1, "then_branch").message(6, graph));
      graph = new Proto().message(1, node);
    }

    assertThat(read(new Proto().message(7, graph).toByteArray()).opTypes()).containsExactly(Map.entry("If", 1L));
  }

  @Test
  void rejects_dims_whose_product_overflows() {
    byte[] file = OnnxWriter.model()
        .initializer("huge", FLOAT, new long[] {1L << 40, 1L << 30}, new byte[0]).build();

    FormatException e = catchThrowableOfType(FormatException.class, () -> read(file));

    assertThat(e).isNotNull();
    assertThat(e.offset()).isPositive();
    assertThat(e.getMessage()).contains("tensor 'huge': element count of dims [1099511627776, 1073741824] overflows int64");
  }

  @Test
  void rejects_a_parameter_total_that_overflows() {
    byte[] file = OnnxWriter.model()
        .initializer("a", FLOAT, new long[] {1L << 62}, new byte[0])
        .initializer("b", FLOAT, new long[] {1L << 62}, new byte[0]).build();

    assertThat(catchThrowableOfType(FormatException.class, () -> read(file)))
        .hasMessageContaining("total parameter count overflows int64 at initializer 'b'");
  }

  @Test
  void rejects_negative_dims() {
    byte[] file = new Proto().message(7, new Proto().message(5,
        new Proto().varint(1, -1).varint(2, 1).string(8, "neg"))).toByteArray();

    assertThat(catchThrowableOfType(FormatException.class, () -> read(file)))
        .hasMessageContaining("negative dimension -1");
  }

  @Test
  void rejects_strings_over_the_cap_and_invalid_utf8() {
    byte[] longName = new Proto().string(2, "x".repeat(OnnxReader.MAX_STRING_BYTES + 1)).toByteArray();
    byte[] badUtf8 = new Proto().bytes(2, new byte[] {(byte) 0xC3, 0x28}).toByteArray();

    assertThat(catchThrowableOfType(FormatException.class, () -> read(longName)))
        .hasMessageContaining("ModelProto.producer_name: 1048577 bytes, more than the 1048576-byte cap");
    assertThat(catchThrowableOfType(FormatException.class, () -> read(badUtf8)))
        .hasMessageContaining("offset 1: ModelProto.producer_name: not valid UTF-8");
  }

  @Test
  void rejects_bad_external_data_entries() {
    byte[] noLocation = OnnxWriter.model().graphField(5, OnnxWriter.tensor("w", FLOAT, new long[] {1})
        .message(13, OnnxWriter.entry("offset", "0")).varint(14, 1)).build();
    byte[] negativeOffset = OnnxWriter.model().graphField(5, OnnxWriter.tensor("w", FLOAT, new long[] {1})
        .message(13, OnnxWriter.entry("location", "w.bin")).message(13, OnnxWriter.entry("offset", "-4"))
        .varint(14, 1)).build();
    byte[] twoLocations = OnnxWriter.model().graphField(5, OnnxWriter.tensor("w", FLOAT, new long[] {1})
        .message(13, OnnxWriter.entry("location", "w.bin")).message(13, OnnxWriter.entry("location", "../x"))
        .varint(14, 1)).build();

    assertThat(catchThrowableOfType(FormatException.class, () -> read(noLocation)))
        .hasMessageContaining("tensor 'w': data_location is EXTERNAL but external_data has no location");
    assertThat(catchThrowableOfType(FormatException.class, () -> read(negativeOffset)))
        .hasMessageContaining("external_data offset '-4' is not a non-negative integer");
    assertThat(catchThrowableOfType(FormatException.class, () -> read(twoLocations)))
        .hasMessageContaining("TensorProto.external_data: key 'location' appears more than once");
  }

  @Test
  void rejects_a_model_without_a_graph() {
    assertThat(readFails("08 08").getMessage()).isEqualTo("m.onnx: ModelProto has no graph");
  }

  // ---- helpers -----------------------------------------------------------------------------

  static OnnxModel read(byte[] file) throws Exception {
    return OnnxReader.read(new ByteArraySource(file), "m.onnx");
  }

  private static FormatException readFails(String hex) {
    byte[] file = HexFormat.of().parseHex(hex.replace(" ", ""));
    FormatException e = catchThrowableOfType(FormatException.class, () -> read(file));
    assertThat(e).as("FormatException for %s", hex).isNotNull();
    return e;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** prefix, then {@code gap} virtual zero bytes, then suffix; counts what is read and where. */
  static final class CountingSparseSource implements ByteSource {
    private final byte[] prefix;
    private final long gap;
    private final byte[] suffix;
    long bytesRead;
    long payloadBytesRead;

    CountingSparseSource(byte[] prefix, long gap, byte[] suffix) {
      this.prefix = prefix;
      this.gap = gap;
      this.suffix = suffix;
    }

    @Override
    public long size() {
      return prefix.length + gap + suffix.length;
    }

    @Override
    public byte[] read(long offset, int length) throws EOFException {
      if (offset + length > size()) {
        throw new EOFException();
      }
      bytesRead += length;
      byte[] out = new byte[length];
      for (int i = 0; i < length; i++) {
        long at = offset + i;
        if (at < prefix.length) {
          out[i] = prefix[(int) at];
        } else if (at < prefix.length + gap) {
          payloadBytesRead++;
        } else {
          out[i] = suffix[(int) (at - prefix.length - gap)];
        }
      }
      return out;
    }
  }
}
