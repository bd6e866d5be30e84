package org.arbor.formats.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.arbor.formats.FormatException;
import org.arbor.formats.gguf.GgufWriter.Array;
import org.arbor.formats.gguf.GgufWriter.LyingArray;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.io.ByteSource;
import org.junit.jupiter.api.Test;

class GgufReaderTest {
  private static final String TEMPLATE =
      "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}</s>{% endfor %}<|assistant|>";

  static GgufWriter tinyLlama() {
    return GgufWriter.v3()
        .put("general.architecture", "llama")
        .put("general.name", "Tiny Llama")
        .put("general.quantization_version", GgufValueType.UINT32, 2L)
        .put("general.file_type", GgufValueType.UINT32, 15L)
        .put("llama.context_length", GgufValueType.UINT32, 4096L)
        .put("llama.embedding_length", GgufValueType.UINT32, 64L)
        .put("llama.rope.freq_base", GgufValueType.FLOAT32, 10000.0)
        .put("llama.attention.layer_norm_rms_epsilon", GgufValueType.FLOAT32, 1e-5)
        .put("tokenizer.ggml.model", "llama")
        .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, List.of("<unk>", "<s>", "</s>", "▁hello", "▁wörld"))
        .putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, List.of(0.0, 0.0, 0.0, -1.5, -2.25))
        .putArray("tokenizer.ggml.token_type", GgufValueType.INT32, List.of(2L, 3L, 3L, 1L, 1L))
        .put("tokenizer.ggml.bos_token_id", GgufValueType.UINT32, 1L)
        .put("tokenizer.ggml.eos_token_id", GgufValueType.UINT32, 2L)
        .put("tokenizer.ggml.add_bos_token", GgufValueType.BOOL, true)
        .put("tokenizer.chat_template", TEMPLATE)
        .tensor("token_embd.weight", GgmlType.Q8_0, 64, 5)
        .tensor("blk.0.attn_q.weight", GgmlType.Q4_K, 256, 64)
        .tensor("output_norm.weight", GgmlType.F32, 64);
  }

  @Test
  void reads_a_small_llama_file_to_exact_values() throws Exception {
    GgufFile file = read(tinyLlama().toBytes());

    assertThat(file.version()).isEqualTo(3);
    assertThat(file.architecture()).hasValue("llama");
    assertThat(file.contextLength()).isEqualTo(OptionalLong.of(4096));
    assertThat(file.chatTemplate()).hasValue(TEMPLATE);
    assertThat(file.bosToken()).hasValue("<s>");
    assertThat(file.eosToken()).hasValue("</s>");
    assertThat(file.metadata()).hasSize(16);
    assertThat(file.metadata().keySet()).startsWith("general.architecture", "general.name");
    assertThat(file.metadata().get("general.name")).isEqualTo("Tiny Llama");
    assertThat(file.metadata().get("llama.rope.freq_base")).isEqualTo(10000.0);
    assertThat(file.metadata().get("llama.attention.layer_norm_rms_epsilon")).isEqualTo((double) 1e-5f);
    assertThat(file.metadata().get("tokenizer.ggml.tokens"))
        .isEqualTo(List.of("<unk>", "<s>", "</s>", "▁hello", "▁wörld"));
    assertThat(file.metadata().get("tokenizer.ggml.scores")).isEqualTo(List.of(0.0, 0.0, 0.0, -1.5, -2.25));
    assertThat(file.metadata().get("tokenizer.ggml.token_type")).isEqualTo(List.of(2L, 3L, 3L, 1L, 1L));
    assertThat(file.metadata().get("tokenizer.ggml.add_bos_token")).isEqualTo(true);
    assertThat(file.alignment()).isEqualTo(32);
    assertThat(file.dataOffset() % 32).isZero();
    assertThat(file.tensors()).containsExactly(
        new GgufTensor("token_embd.weight", List.of(64L, 5L), GgmlType.Q8_0, 0, 340),
        new GgufTensor("blk.0.attn_q.weight", List.of(256L, 64L), GgmlType.Q4_K, 352, 9216),
        new GgufTensor("output_norm.weight", List.of(64L), GgmlType.F32, 9568, 256));
    assertThat(file.parameterCount()).isEqualTo(320 + 16384 + 64);
    assertThat(file.parametersByType()).containsExactly(
        Map.entry("F32", 64L), Map.entry("Q8_0", 320L), Map.entry("Q4_K", 16384L));
  }

  @Test
  void reads_the_test_vector_from_the_reference() throws Exception {
    // trust.md §2.2: built with the gguf 0.19.0 PyPI package; header 192 bytes, file 288 bytes.
    String header = "47475546" + "03000000" + "0200000000000000" + "0200000000000000"
        + "1400000000000000" + "67656e6572616c2e617263686974656374757265" + "08000000" + "0500000000000000" + "6c6c616d61"
        + "1100000000000000" + "67656e6572616c2e616c69676e6d656e74" + "04000000" + "20000000"
        + "0100000000000000" + "77" + "02000000" + "0400000000000000" + "0200000000000000" + "00000000"
        + "0000000000000000"
        + "0100000000000000" + "71" + "02000000" + "2000000000000000" + "0100000000000000" + "08000000"
        + "2000000000000000"
        + "0000000000000000"; // trust.md shows 16 padding bytes, but 184 bytes pad to 192 with 8
    byte[] headerBytes = HexFormat.of().parseHex(header);
    byte[] file = java.util.Arrays.copyOf(headerBytes, 288);

    GgufFile gguf = read(file);

    assertThat(headerBytes).hasSize(192);
    assertThat(gguf.metadata()).containsExactly(
        Map.entry("general.architecture", "llama"), Map.entry("general.alignment", 32L));
    assertThat(gguf.dataOffset()).isEqualTo(192);
    assertThat(gguf.tensors()).containsExactly(
        new GgufTensor("w", List.of(4L, 2L), GgmlType.F32, 0, 32),
        new GgufTensor("q", List.of(32L, 1L), GgmlType.Q8_0, 32, 34));
    assertThat(gguf.tensors().get(1).elementCount()).isEqualTo(32);
  }

  @Test
  void reads_version_2() throws Exception {
    GgufFile file = read(GgufWriter.v2().put("general.architecture", "gpt2").tensor("w", GgmlType.F16, 8).toBytes());

    assertThat(file.version()).isEqualTo(2);
    assertThat(file.architecture()).hasValue("gpt2");
    assertThat(file.tensors()).containsExactly(new GgufTensor("w", List.of(8L), GgmlType.F16, 0, 16));
  }

  @Test
  void reads_every_value_type_and_nested_arrays() throws Exception {
    GgufFile file = read(GgufWriter.v3()
        .put("u8", GgufValueType.UINT8, 255L)
        .put("i8", GgufValueType.INT8, -128L)
        .put("u16", GgufValueType.UINT16, 65535L)
        .put("i16", GgufValueType.INT16, -32768L)
        .put("u32", GgufValueType.UINT32, 4294967295L)
        .put("i32", GgufValueType.INT32, -2147483648L)
        .put("u64", GgufValueType.UINT64, Long.MAX_VALUE)
        .put("i64", GgufValueType.INT64, Long.MIN_VALUE)
        .put("f32", GgufValueType.FLOAT32, 0.5)
        .put("f64", GgufValueType.FLOAT64, Math.PI)
        .put("b", GgufValueType.BOOL, false)
        .put("s", "")
        .putArray("nested", GgufValueType.ARRAY, List.of(
            new Array(GgufValueType.UINT8, List.of(1L, 2L)),
            new Array(GgufValueType.STRING, List.of("x")),
            new Array(GgufValueType.BOOL, List.of(true, false))))
        .putArray("empty", GgufValueType.INT64, List.of())
        .toBytes());

    assertThat(file.metadata()).containsExactly(
        Map.entry("u8", 255L), Map.entry("i8", -128L), Map.entry("u16", 65535L), Map.entry("i16", -32768L),
        Map.entry("u32", 4294967295L), Map.entry("i32", -2147483648L), Map.entry("u64", Long.MAX_VALUE),
        Map.entry("i64", Long.MIN_VALUE), Map.entry("f32", 0.5), Map.entry("f64", Math.PI),
        Map.entry("b", false), Map.entry("s", ""),
        Map.entry("nested", List.of(List.of(1L, 2L), List.of("x"), List.of(true, false))),
        Map.entry("empty", List.of()));
    assertThat(file.tensors()).isEmpty();
    assertThat(file.architecture()).isEmpty();
    assertThat(file.contextLength()).isEmpty();
    assertThat(file.parameterCount()).isZero();
  }

  @Test
  void counts_parameters_of_a_large_sparse_file_without_reading_data() throws Exception {
    GgufWriter writer = GgufWriter.v3().put("general.architecture", "llama")
        .tensor("big", GgmlType.Q4_K, 4096, 1_000_000)
        .tensor("norm", GgmlType.F32, 4096);

    GgufFile file = GgufReader.read(writer.toSource(), "big.gguf");

    assertThat(file.tensors().get(0).byteSize()).isEqualTo(2_304_000_000L);
    assertThat(file.parameterCount()).isEqualTo(4_096_004_096L);
    assertThat(file.parametersByType()).containsExactly(Map.entry("F32", 4096L), Map.entry("Q4_K", 4_096_000_000L));
  }

  @Test
  void bos_and_eos_are_empty_when_the_id_is_out_of_range() throws Exception {
    GgufFile file = read(GgufWriter.v3()
        .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, List.of("a", "b"))
        .put("tokenizer.ggml.bos_token_id", GgufValueType.UINT32, 2L)
        .put("tokenizer.ggml.eos_token_id", GgufValueType.INT32, -1L)
        .toBytes());

    assertThat(file.bosToken()).isEmpty();
    assertThat(file.eosToken()).isEmpty();
  }

  @Test
  void ggml_type_lookup_is_bounds_checked() {
    assertThat(GgmlType.byId(0)).hasValue(GgmlType.F32);
    assertThat(GgmlType.byId(39)).hasValue(GgmlType.MXFP4);
    assertThat(GgmlType.byId(42)).hasValue(GgmlType.Q2_0);
    assertThat(GgmlType.byId(4)).isEmpty();
    assertThat(GgmlType.byId(43)).isEmpty();
    assertThat(GgmlType.byId(-1)).isEmpty();
    assertThat(GgmlType.byId(Long.MAX_VALUE)).isEmpty();
    assertThat(GgmlType.values()).hasSize(35);
  }

  // --- malformed input: one test per rule -------------------------------------------------------

  @Test
  void rejects_bad_magic() {
    assertRejected(GgufWriter.v3().magic(0x58554747).toBytes(),
        "gguf-test: offset 0: not a GGUF file: magic 47 47 55 58, expected 47 47 55 46 (\"GGUF\")");
  }

  @Test
  void rejects_a_file_shorter_than_its_magic() {
    assertRejected(new byte[] {0x47, 0x47}, "magic: file ends after 2 of 4 bytes");
  }

  @Test
  void rejects_version_1() {
    assertRejected(GgufWriter.v3().version(1).toBytes(), "offset 4: GGUF version 1 is not supported (supported: 2, 3)");
  }

  @Test
  void rejects_big_endian_files() {
    assertRejected(GgufWriter.v3().version(0x03000000).toBytes(),
        "big-endian GGUF (version 3 stored big-endian) is not supported; only little-endian files are");
  }

  @Test
  void rejects_unknown_versions() {
    assertRejected(GgufWriter.v3().version(4).toBytes(), "unsupported GGUF version 4 (supported: 2, 3)");
  }

  @Test
  void rejects_a_huge_tensor_count() {
    byte[] file = GgufWriter.v3().toBytes();
    putU64(file, 8, 0x1D1D1D1D1D1D1D1DL);

    assertRejected(file, "offset 8: tensor_count " + 0x1D1D1D1D1D1D1D1DL + " cannot fit in the 16 bytes left");
  }

  @Test
  void rejects_a_huge_metadata_count() {
    byte[] file = java.util.Arrays.copyOf(GgufWriter.v3().header(), 24 + 64);
    putU64(file, 16, 0xFFFFFFFFL);

    assertRejected(file, "offset 16: metadata_kv_count 4294967295 cannot fit in the 64 bytes left");
  }

  @Test
  void rejects_a_count_at_or_above_2_pow_63() {
    byte[] file = GgufWriter.v3().toBytes();
    putU64(file, 16, -1L);

    assertRejected(file, "metadata_kv_count 18446744073709551615 cannot fit");
  }

  @Test
  void rejects_a_key_length_past_the_end() {
    byte[] file = java.util.Arrays.copyOf(GgufWriter.v3().header(), 24 + 8 + 8);
    putU64(file, 16, 1);
    putU64(file, 24, 1L << 31);

    assertRejected(file, "offset 24: metadata key: length 2147483648 runs past the end of the file (8 bytes left)");
  }

  @Test
  void rejects_a_string_value_past_the_end() {
    byte[] file = GgufWriter.v3().put("general.name", "abcdef").toBytes();
    byte[] truncated = java.util.Arrays.copyOf(file, 24 + 8 + 12 + 4 + 8 + 3);

    assertRejected(truncated, "metadata 'general.name': length 6 runs past the end of the file (3 bytes left)");
  }

  @Test
  void rejects_a_huge_array_count() {
    byte[] file = GgufWriter.v3()
        .put("tokenizer.ggml.tokens", GgufValueType.ARRAY, new LyingArray(8, 1L << 40, List.of("a")))
        .toBytes();

    assertRejected(file, "metadata 'tokenizer.ggml.tokens' array count 1099511627776 cannot fit in the");
  }

  @Test
  void rejects_more_array_elements_than_the_per_file_limit() {
    long tooMany = GgufReader.MAX_METADATA_ELEMENTS + 1;
    byte[] file = GgufWriter.v3()
        .put("a", GgufValueType.ARRAY, new LyingArray(0, tooMany, List.of()))
        .put("padding", "x".repeat((int) tooMany))
        .toBytes();

    assertRejected(file, "metadata 'a': array of 16777217 elements exceeds the limit of 16777216 array elements");
  }

  @Test
  void rejects_a_string_above_the_string_cap_even_when_the_file_is_large() {
    byte[] header = java.util.Arrays.copyOf(GgufWriter.v3().header(), 24 + 8 + 3 + 4 + 8);
    putU64(header, 16, 1);
    putU64(header, 24, 3);
    System.arraycopy("big".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, header, 32, 3);
    header[35] = 8;
    putU64(header, 39, GgufReader.MAX_STRING_BYTES + 1);
    ByteSource source = new GgufWriter.SparseSource(header, 100L << 20);

    assertThatThrownBy(() -> GgufReader.read(source, "big.gguf"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("metadata 'big': length 67108865 exceeds the limit of 67108864 bytes");
  }

  @Test
  void rejects_a_header_beyond_the_header_cap() {
    byte[] header = java.util.Arrays.copyOf(GgufWriter.v3().header(), 24 + 8);
    putU64(header, 16, 1);
    putU64(header, 24, 300L << 20);
    ByteSource source = new GgufWriter.SparseSource(header, 400L << 20);

    assertThatThrownBy(() -> GgufReader.read(source, "huge.gguf"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("metadata key: length 314572800 runs past the end of the 268435456-byte header limit");
  }

  @Test
  void rejects_unknown_value_types() {
    assertRejected(GgufWriter.v3().putRaw("x", 13, null).toBytes(), "metadata 'x' value type: unknown type 13 (valid: 0 to 12)");
  }

  @Test
  void rejects_bool_values_other_than_0_and_1() {
    byte[] file = GgufWriter.v3().put("flag", GgufValueType.BOOL, true).toBytes();
    file[24 + 8 + 4 + 4] = 2;

    assertRejected(file, "metadata 'flag': bool value 2 (valid: 0 or 1)");
  }

  @Test
  void rejects_malformed_utf8() {
    byte[] file = GgufWriter.v3().put("name", "ab").toBytes();
    file[24 + 8 + 4 + 4 + 8] = (byte) 0xC0;

    assertRejected(file, "metadata 'name': malformed UTF-8");
  }

  @Test
  void rejects_duplicate_and_empty_keys() {
    assertRejected(GgufWriter.v3().put("a", "1").put("a", "2").toBytes(), "duplicate metadata key 'a'");
    assertRejected(GgufWriter.v3().put("", "1").toBytes(), "metadata key 0 is empty");
  }

  @Test
  void rejects_arrays_nested_too_deep() {
    Object value = new Array(GgufValueType.UINT8, List.of());
    for (int i = 0; i < GgufReader.MAX_ARRAY_DEPTH; i++) {
      value = new Array(GgufValueType.ARRAY, List.of(value));
    }
    assertRejected(GgufWriter.v3().put("deep", GgufValueType.ARRAY, value).toBytes(),
        "metadata 'deep': arrays nested deeper than 8");
  }

  @Test
  void rejects_non_power_of_two_alignment() {
    assertRejected(GgufWriter.v3().put("general.alignment", GgufValueType.UINT32, 3L).toBytes(),
        "general.alignment 3 is not a power of two between 1 and 1048576");
    assertRejected(GgufWriter.v3().put("general.alignment", GgufValueType.UINT32, 0L).toBytes(),
        "general.alignment 0 is not a power of two");
  }

  @Test
  void rejects_alignment_of_the_wrong_type() {
    assertRejected(GgufWriter.v3().put("general.alignment", GgufValueType.INT32, 32L).toBytes(),
        "general.alignment must be UINT32, found INT32");
  }

  @Test
  void rejects_more_than_four_dimensions() {
    assertRejected(GgufWriter.v3().tensorAt("w", 0, 0, 1, 1, 1, 1, 1).toBytes(),
        "tensor 'w': n_dims 5 exceeds GGML_MAX_DIMS (4)");
  }

  @Test
  void rejects_unknown_and_removed_ggml_types() {
    assertRejected(GgufWriter.v3().tensorAt("w", 99, 0, 32).dataBytes(64).toBytes(),
        "tensor 'w': unknown ggml type id 99");
    assertRejected(GgufWriter.v3().tensorAt("w", 4, 0, 32).dataBytes(64).toBytes(),
        "tensor 'w': unknown ggml type id 4");
  }

  @Test
  void rejects_a_dimension_at_or_above_2_pow_63() {
    assertRejected(GgufWriter.v3().tensorAt("w", 0, 0, 1L << 63).toBytes(), "tensor 'w': dimension 9223372036854775808 exceeds 2^63 - 1");
  }

  @Test
  void rejects_an_element_count_that_overflows() {
    assertRejected(GgufWriter.v3().tensorAt("w", 0, 0, 1L << 62, 4).toBytes(), "tensor 'w': element count of dimensions");
  }

  @Test
  void rejects_a_row_not_divisible_by_the_block_size() {
    assertRejected(GgufWriter.v3().tensorAt("q", GgmlType.Q8_0.id(), 0, 33, 1).dataBytes(64).toBytes(),
        "tensor 'q': first dimension 33 is not a multiple of the Q8_0 block size 32 (element count 33)");
  }

  @Test
  void rejects_a_misaligned_offset() {
    assertRejected(GgufWriter.v3().tensorAt("a", 0, 0, 4).tensorAt("b", 0, 16, 4).toBytes(),
        "tensor 'b': offset 16 is not a multiple of the alignment 32");
  }

  @Test
  void rejects_overlapping_tensors() {
    assertRejected(GgufWriter.v3().tensorAt("a", 0, 0, 16).tensorAt("b", 0, 32, 8).toBytes(),
        "tensor 'b' at offset 32 overlaps tensor 'a', which ends at 64");
  }

  @Test
  void rejects_a_tensor_past_the_end_of_the_file() {
    assertRejected(GgufWriter.v3().tensor("a", GgmlType.F32, 16).dataBytes(63).toBytes(),
        "tensor 'a': bytes [0, 0 + 64) lie outside the data section of 63 bytes");
  }

  @Test
  void rejects_duplicate_empty_and_long_tensor_names() {
    assertRejected(GgufWriter.v3().tensor("a", GgmlType.F32, 1).tensor("a", GgmlType.F32, 1).toBytes(),
        "duplicate tensor name 'a'");
    assertRejected(GgufWriter.v3().tensor("", GgmlType.F32, 1).toBytes(), "tensor name is empty");
    assertRejected(GgufWriter.v3().tensor("n".repeat(64), GgmlType.F32, 1).toBytes(),
        "tensor name: length 64 exceeds the limit of 63 bytes");
  }

  static GgufFile read(byte[] bytes) throws IOException, FormatException {
    return GgufReader.read(new ByteArraySource(bytes), "gguf-test");
  }

  private static void assertRejected(byte[] file, String message) {
    assertThatThrownBy(() -> read(file)).isInstanceOf(FormatException.class).hasMessageContaining(message);
  }

  private static void putU64(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
