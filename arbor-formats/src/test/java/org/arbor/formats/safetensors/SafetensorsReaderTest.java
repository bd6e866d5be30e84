package org.arbor.formats.safetensors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.arbor.formats.safetensors.SafetensorsWriter.file;
import static org.arbor.formats.safetensors.SafetensorsWriter.withHeaderLength;
import static org.arbor.formats.safetensors.SafetensorsWriter.withTrailingBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Map;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.io.ChannelByteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {
  @TempDir Path tmp;

  @Test
  void reads_dtype_shape_offsets_and_metadata() throws Exception {
    byte[] bytes = SafetensorsWriter.create().metadata("format", "pt")
        .tensor("w", "F32", 2L, 2L).tensor("b", "BF16", 3L).write();

    SafetensorsHeader header = read(bytes);

    assertThat(header.tensors()).containsExactly(
        new TensorInfo("w", "F32", List.of(2L, 2L), 0, 16),
        new TensorInfo("b", "BF16", List.of(3L), 16, 22));
    assertThat(header.metadata()).containsExactly(Map.entry("format", "pt"));
    assertThat(header.headerSize()).isEqualTo(bytes.length - 22);
    assertThat(header.dataOffset()).isEqualTo(header.headerSize());
    assertThat(header.headerSize() % 8).isZero();
  }

  @Test
  void counts_parameters_per_dtype() throws Exception {
    SafetensorsHeader header = read(SafetensorsWriter.create()
        .tensor("a", "F32", 2L, 3L).tensor("b", "BF16", 4L).tensor("c", "F32", 5L).tensor("d", "I64").write());

    assertThat(header.parametersByDtype()).containsExactly(
        Map.entry("BF16", 4L), Map.entry("F32", 11L), Map.entry("I64", 1L));
    assertThat(header.parameterCount()).isEqualTo(16);
    assertThat(header.tensors().get(0).parameterCount()).isEqualTo(6);
  }

  @Test
  void accepts_scalar_and_empty_tensors() throws Exception {
    SafetensorsHeader header = read(SafetensorsWriter.create()
        .tensor("scalar", "F64").tensor("empty", "F32", 0L, 4L).tensor("u", "U8", 1L).write());

    assertThat(header.tensors()).extracting(TensorInfo::parameterCount).containsExactly(1L, 0L, 1L);
    assertThat(header.tensors()).extracting(TensorInfo::begin).containsExactly(0L, 8L, 8L);
  }

  @Test
  void accepts_an_empty_header_with_no_data() throws Exception {
    SafetensorsHeader header = read(file("{}      ", 0));

    assertThat(header.tensors()).isEmpty();
    assertThat(header.parameterCount()).isZero();
  }

  @Test
  void orders_tensors_by_data_offset_not_header_order() throws Exception {
    SafetensorsHeader header = read(file("""
        {"late":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},
         "early":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}""", 4));

    assertThat(header.tensors()).extracting(TensorInfo::name).containsExactly("early", "late");
  }

  @Test
  void accepts_sub_byte_dtype_with_whole_bytes() throws Exception {
    SafetensorsHeader header = read(SafetensorsWriter.create().tensor("q", "F4", 4L).write());

    assertThat(header.tensors().get(0).byteSize()).isEqualTo(2);
    assertThat(header.parametersByDtype()).containsExactly(Map.entry("F4", 4L));
  }

  @Test
  void decodes_escapes_in_names_and_metadata() throws Exception {
    SafetensorsHeader header = read(file("""
        {"__metadata__":{"k\\u00e9":"a\\"b\\\\c\\n\\ud83d\\ude00"},"t\\/x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", 1));

    assertThat(header.metadata()).containsExactly(Map.entry("k\u00e9", "a\"b\\c\n\uD83D\uDE00"));
    assertThat(header.tensors().get(0).name()).isEqualTo("t/x");
  }

  @Test
  void ignores_unknown_fields_in_a_tensor_entry_like_the_reference() throws Exception {
    SafetensorsHeader header = read(file("""
        {"a":{"dtype":"U8","extra":{"x":[1,2.5,null,true]},"shape":[1],"data_offsets":[0,1]}}""", 1));

    assertThat(header.tensors()).hasSize(1);
  }

  @Test
  void reads_through_a_file_channel() throws Exception {
    Path path = Files.write(tmp.resolve("model.safetensors"),
        SafetensorsWriter.create().tensor("w", "F16", 8L).write());

    try (SeekableByteChannel channel = Files.newByteChannel(path)) {
      SafetensorsHeader header = SafetensorsReader.read(new ChannelByteSource(channel), "model.safetensors");
      assertThat(header.parameterCount()).isEqualTo(8);
    }
  }

  // --- malformed input: one test per check -------------------------------------------------

  @Test
  void rejects_a_file_shorter_than_the_length_field() {
    assertRejected(new byte[5], "header too small: file is 5 bytes, needs at least 8");
  }

  @Test
  void rejects_header_length_past_end_of_file() {
    assertRejected(withHeaderLength(new byte[8], 1000), "invalid header length: 8 + 1000 > file size 8");
  }

  @Test
  void rejects_header_length_over_the_cap_before_allocating() {
    assertRejected(withHeaderLength(new byte[8], 100_000_001), "header too large: 100000001 > 100000000");
  }

  @Test
  void rejects_header_length_with_the_top_bit_set() {
    assertRejected(withHeaderLength(new byte[8], -1), "header too large: 18446744073709551615");
  }

  @Test
  void rejects_header_not_starting_with_brace() {
    assertRejected(file(" {}", 0), "header must begin with '{'");
  }

  @Test
  void rejects_header_that_is_not_utf8() {
    byte[] bytes = file("{\"a\u00e9\":1}", 0);
    bytes[11] = (byte) 0xff;
    assertRejected(bytes, "header is not valid UTF-8");
  }

  @Test
  void rejects_header_that_is_not_an_object() {
    assertRejected(file("[1]", 0), "header must begin with '{'");
  }

  @Test
  void rejects_malformed_json() {
    assertRejected(file("{\"a\" 1}", 0), "invalid JSON: expected ':' after key \"a\"");
  }

  @Test
  void rejects_nul_padding() {
    assertRejected(file("{}\0\0", 0), "trailing characters after the header object, starting with byte 0x00");
  }

  @Test
  void rejects_deep_nesting_without_overflowing_the_stack() {
    String deep = "[".repeat(100_000);
    assertRejected(file("{\"a\":{\"x\":" + deep + "}}", 0), "nested deeper than 64");
  }

  @Test
  void rejects_unknown_dtype() {
    assertRejected(file("{\"a\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        "tensor 'a': unknown dtype 'F99'");
  }

  @Test
  void rejects_negative_dimension() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0),
        "tensor 'a': shape must be non-negative, got -1");
  }

  @Test
  void rejects_float_where_integer_is_expected() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1.0],\"data_offsets\":[0,1]}}", 1),
        "tensor 'a': shape: expected an integer, got 1.0");
  }

  @Test
  void rejects_integer_beyond_long_range() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 1),
        "tensor 'a': data_offsets: integer out of range: 99999999999999999999");
  }

  @Test
  void rejects_byte_length_that_does_not_match_dtype_and_shape() {
    assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16),
        "tensor 'a': data_offsets [0, 16] but F32 [2, 3] needs 24 bytes");
  }

  @Test
  void rejects_shape_whose_size_overflows() {
    assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4),
        "tensor 'a': F32 [4294967296, 4294967296] size overflows");
  }

  @Test
  void rejects_sub_byte_tensor_that_is_not_whole_bytes() {
    assertRejected(file("{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,1]}}", 1),
        "tensor 'a': F4 [3] is not a whole number of bytes (12 bits)");
  }

  @Test
  void rejects_offsets_past_the_data_section() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[16],\"data_offsets\":[0,16]}}", 8),
        "tensor 'a': data_offsets [0, 16] beyond the data section of 8 bytes");
  }

  @Test
  void rejects_offsets_that_end_before_they_begin() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4),
        "tensor 'a': data_offsets [4, 0] end before they begin");
  }

  @Test
  void rejects_offsets_that_are_not_a_pair() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}", 1),
        "tensor 'a': data_offsets must be [begin, end], got 3 values");
  }

  @Test
  void rejects_missing_field() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"data_offsets\":[0,1]}}", 1), "tensor 'a': missing 'shape'");
  }

  @Test
  void rejects_tensor_entry_that_is_not_an_object() {
    assertRejected(file("{\"a\":[0,1]}", 1), "tensor 'a': entry must be an object");
  }

  @Test
  void rejects_gap_between_tensors() {
    assertRejected(file("""
        {"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},
         "b":{"dtype":"U8","shape":[4],"data_offsets":[8,12]}}""", 12),
        "gap between tensors at data offset 4: tensor 'b' begins at 8");
  }

  @Test
  void rejects_gap_before_the_first_tensor() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", 8),
        "gap between tensors at data offset 0");
  }

  @Test
  void rejects_overlapping_tensors() {
    assertRejected(file("""
        {"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},
         "b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", 8),
        "tensors overlap at data offset 4: tensor 'b' begins before tensor 'a' ends at 8");
  }

  @Test
  void rejects_trailing_bytes_after_the_last_tensor() {
    byte[] valid = SafetensorsWriter.create().tensor("a", "U8", 4L).write();
    assertRejected(withTrailingBytes(valid, 3),
        "data section not fully covered: tensors end at 4 but the data section is 7 bytes");
  }

  @Test
  void rejects_duplicate_tensor_key() {
    assertRejected(file("""
        {"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},
         "a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}""", 2),
        "duplicate key \"a\"");
  }

  @Test
  void rejects_duplicate_field_inside_a_tensor_entry() {
    assertRejected(file("{\"a\":{\"dtype\":\"U8\",\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1),
        "tensor 'a': duplicate key \"dtype\"");
  }

  @Test
  void rejects_duplicate_key_inside_an_ignored_field() {
    assertRejected(file("{\"a\":{\"x\":{\"k\":1,\"k\":2},\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1),
        "duplicate key \"k\"");
  }

  @Test
  void rejects_metadata_with_non_string_value() {
    assertRejected(file("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__: value of 'format' must be a string");
  }

  @Test
  void rejects_metadata_that_is_not_an_object() {
    assertRejected(file("{\"__metadata__\":\"pt\"}", 0), "__metadata__ must be an object of strings");
  }

  @Test
  void rejects_lone_surrogate_escape() {
    assertRejected(file("{\"__metadata__\":{\"k\":\"\\ud800\"}}", 0), "unpaired surrogate");
  }

  @Test
  void error_names_the_resource_and_the_offset() {
    byte[] bytes = file("{\"a\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);

    assertThatThrownBy(() -> SafetensorsReader.read(new ByteArraySource(bytes), "m.safetensors"))
        .isInstanceOfSatisfying(FormatException.class, e -> {
          assertThat(e.resource()).isEqualTo("m.safetensors");
          assertThat(e.offset()).isEqualTo(8 + "{\"a\":{\"dtype\":".length());
        });
  }

  private static SafetensorsHeader read(byte[] bytes) throws IOException, FormatException {
    return SafetensorsReader.read(new ByteArraySource(bytes), "model.safetensors");
  }

  private static void assertRejected(byte[] bytes, String message) {
    assertThatThrownBy(() -> read(bytes)).isInstanceOf(FormatException.class).hasMessageContaining(message);
  }

  static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }
}
