package org.arbor.formats.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteArraySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyReaderTest {

  @Test
  void reads_descr_order_shape_and_data_offset() throws Exception {
    NpyHeader header = read(NpyWriter.write("<f4", false, List.of(3L, 4L), 48));

    assertThat(header).isEqualTo(new NpyHeader("<f4", false, List.of(3L, 4L), 128));
    assertThat(header.parameterCount()).isEqualTo(12);
    assertThat(header.isObjectArray()).isFalse();
  }

  @Test
  void reads_the_header_numpy_writes_byte_for_byte() throws Exception {
    // np.save(f, np.zeros((3,), '<f8')): header is 118 bytes, data starts at 128
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    byte[] bytes = NpyWriter.withHeader(1, dict, 24);

    assertThat(bytes.length).isEqualTo(128 + 24);
    assertThat(read(bytes)).isEqualTo(new NpyHeader("<f8", false, List.of(3L), 128));
  }

  @Test
  void reads_scalar_and_fortran_order() throws Exception {
    assertThat(read(NpyWriter.write("|b1", true, List.of(), 1)))
        .isEqualTo(new NpyHeader("|b1", true, List.of(), 128));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void reads_versions_with_a_four_byte_length(int major) throws Exception {
    byte[] bytes = NpyWriter.withHeader(major, NpyWriter.dict("<i8", false, List.of(2L)), 16);

    assertThat(read(bytes)).isEqualTo(new NpyHeader("<i8", false, List.of(2L), 128));
  }

  @Test
  void flags_object_arrays() throws Exception {
    assertThat(read(NpyWriter.write("|O", false, List.of(2L), 0)).isObjectArray()).isTrue();
  }

  @Test
  void keeps_a_structured_descr_as_written_and_flags_object_fields() throws Exception {
    String descr = "[('x', '<f4'), ('obj', '|O')]";
    NpyHeader header = read(NpyWriter.write(descr, false, List.of(2L), 0));

    assertThat(header.descr()).isEqualTo(descr);
    assertThat(header.isObjectArray()).isTrue();
  }

  @Test
  void accepts_keys_in_any_order_and_double_quotes() throws Exception {
    byte[] bytes = NpyWriter.withHeader(1, "{\"shape\": (1, 2), 'fortran_order': False, 'descr': '<u2'}", 4);

    assertThat(read(bytes)).isEqualTo(new NpyHeader("<u2", false, List.of(1L, 2L), 128));
  }

  @Test
  void rejects_missing_magic() {
    byte[] bytes = NpyWriter.write("<f4", false, List.of(1L), 4);
    bytes[0] = 'P';
    assertRejected(bytes, "not a .npy file: missing magic");
  }

  @Test
  void rejects_unknown_version() {
    byte[] bytes = NpyWriter.write("<f4", false, List.of(1L), 4);
    bytes[6] = 4;
    assertRejected(bytes, "unsupported .npy version 4.0");
  }

  @Test
  void rejects_header_over_the_cap_before_allocating() {
    byte[] bytes = NpyWriter.withHeader(2, NpyWriter.dict("<f4", false, List.of(1L)), 0);
    bytes[8] = 1; bytes[9] = 0; bytes[10] = 0x10; bytes[11] = 0; // 0x00100001 = 1 MiB + 1
    assertRejected(bytes, "header too large: 1048577 > 1048576");
  }

  @Test
  void rejects_header_length_past_end_of_file() {
    byte[] bytes = Arrays.copyOf(NpyWriter.write("<f4", false, List.of(1L), 0), 40);
    assertRejected(bytes, "invalid header length: 10 + 118 > file size 40");
  }

  @Test
  void rejects_missing_key() {
    assertRejected(NpyWriter.withHeader(1, "{'descr': '<f4', 'shape': (1,)}", 4), "header is missing 'fortran_order'");
  }

  @Test
  void rejects_unexpected_key() {
    assertRejected(NpyWriter.withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}", 4),
        "unexpected key 'x'");
  }

  @Test
  void rejects_duplicate_key() {
    assertRejected(NpyWriter.withHeader(1, "{'descr': '<f4', 'descr': '|O', 'fortran_order': False, 'shape': ()}", 4),
        "duplicate key 'descr'");
  }

  @Test
  void rejects_code_instead_of_a_literal() {
    assertRejected(NpyWriter.withHeader(1, "{'descr': __import__('os').system('id'), 'fortran_order': False, 'shape': ()}", 4),
        "descr must be a string or a list");
  }

  @Test
  void rejects_negative_dimension() {
    assertRejected(NpyWriter.withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", 4),
        "shape must contain non-negative integers");
  }

  @Test
  void rejects_parenthesised_int_as_shape() {
    assertRejected(NpyWriter.withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", 4),
        "shape must be a tuple, got (3)");
  }

  @Test
  void rejects_non_boolean_fortran_order() {
    assertRejected(NpyWriter.withHeader(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': ()}", 4),
        "fortran_order must be True or False");
  }

  @Test
  void rejects_shape_whose_size_overflows() {
    assertRejected(NpyWriter.withHeader(1,
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", 4), "overflows");
  }

  @Test
  void rejects_trailing_characters() {
    assertRejected(NpyWriter.withHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': ()} x", 4),
        "unexpected characters after the header dict");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mutated_files_parse_or_fail_with_format_exception() {
    long seed = 7L;
    Random random = new Random(seed);
    List<byte[]> seeds = List.of(
        NpyWriter.write("<f4", false, List.of(3L, 4L), 48),
        NpyWriter.withHeader(3, NpyWriter.dict("[('a', '<f4'), ('b', [('c', '|O')])]", true, List.of(2L)), 0));
    for (int i = 0; i < 3_000; i++) {
      byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
      switch (random.nextInt(3)) {
        case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
        default -> b[8 + random.nextInt(4)] = (byte) random.nextInt(256);
      }
      try {
        NpyReader.read(new ByteArraySource(b), "fuzz.npy");
      } catch (FormatException e) {
        // expected for most mutations
      } catch (Throwable t) {
        fail("mutation " + i + " (seed " + seed + ") threw " + t + " for " + Arrays.toString(b), t);
      }
    }
  }

  private static NpyHeader read(byte[] bytes) throws Exception {
    return NpyReader.read(new ByteArraySource(bytes), "x.npy");
  }

  private static void assertRejected(byte[] bytes, String message) {
    assertThatThrownBy(() -> read(bytes)).isInstanceOf(FormatException.class).hasMessageContaining(message);
  }
}
