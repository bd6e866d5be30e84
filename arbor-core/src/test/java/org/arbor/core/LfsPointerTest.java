package org.arbor.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LfsPointerTest {
  private static final String OID = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";

  @Test
  void writes_the_exact_git_lfs_text() {
    LfsPointer pointer = new LfsPointer(new Sha256(OID), 12345);

    assertThat(pointer.text()).isEqualTo(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 12345\n");
    assertThat(pointer.bytes()).isEqualTo(pointer.text().getBytes(UTF_8));
  }

  @Test
  void round_trips_through_text_and_parse() {
    for (long size : new long[] {0, 1, 12345, Long.MAX_VALUE}) {
      LfsPointer pointer = new LfsPointer(Sha256.digest(("blob " + size).getBytes(UTF_8)), size);

      assertThat(LfsPointer.parse(pointer.bytes())).hasValue(pointer);
    }
  }

  @Test
  void parses_a_pointer_with_extension_lines() {
    String text = "version https://git-lfs.github.com/spec/v1\n"
        + "ext-0-foo sha256:" + "a".repeat(64) + "\n"
        + "oid sha256:" + OID + "\n"
        + "size 7\n"
        + "x-custom anything here\n";

    assertThat(LfsPointer.parse(text.getBytes(UTF_8))).hasValue(new LfsPointer(new Sha256(OID), 7));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "hello world\n",
      "{\"architectures\": [\"BertModel\"]}\n",
      // wrong version line
      "version https://git-lfs.github.com/spec/v2\noid sha256:" + OID + "\nsize 1\n",
      "version https://hawser.github.com/spec/v1\noid sha256:" + OID + "\nsize 1\n",
      // missing final newline
      "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 1",
      // CRLF line endings
      "version https://git-lfs.github.com/spec/v1\r\noid sha256:" + OID + "\r\nsize 1\r\n",
      // size before oid
      "version https://git-lfs.github.com/spec/v1\nsize 1\noid sha256:" + OID + "\n",
      // missing size / missing oid
      "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\n",
      "version https://git-lfs.github.com/spec/v1\nsize 1\n",
      // bad sizes
      "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize -1\n",
      "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 01\n",
      "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 1.5\n",
      "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 99999999999999999999\n",
      "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 9223372036854775808\n",
      // leading text before the version line
      "\nversion https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 1\n"})
  void ordinary_content_is_not_a_pointer(String text) {
    assertThat(LfsPointer.parse(text.getBytes(UTF_8))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4D7A214614AB2935C943F9E0FF69D22EADBB8F32B1258DAAA5E2CA24D17E2393",
      "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e239",
      "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e23930",
      "zz7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"})
  void rejects_a_bad_oid(String oid) {
    String text = "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 1\n";

    assertThat(LfsPointer.parse(text.getBytes(UTF_8))).isEmpty();
  }

  @Test
  void rejects_an_oid_in_another_hash() {
    String text = "version https://git-lfs.github.com/spec/v1\noid sha512:" + OID + "\nsize 1\n";

    assertThat(LfsPointer.parse(text.getBytes(UTF_8))).isEmpty();
  }

  @Test
  void accepts_input_of_exactly_the_maximum_size() {
    byte[] exact = padded(LfsPointer.MAX_POINTER_SIZE);

    assertThat(exact).hasSize(1024);
    assertThat(LfsPointer.parse(exact)).hasValue(new LfsPointer(new Sha256(OID), 1));
  }

  @Test
  void rejects_oversize_input_even_if_it_looks_like_a_pointer() {
    byte[] oversize = padded(LfsPointer.MAX_POINTER_SIZE + 1);

    assertThat(LfsPointer.parse(oversize)).isEmpty();
  }

  @Test
  void rejects_a_large_file_quickly() {
    byte[] big = new byte[64 << 20];

    assertThat(LfsPointer.parse(big)).isEmpty();
  }

  @Test
  void rejects_a_negative_size() {
    assertThatThrownBy(() -> new LfsPointer(new Sha256(OID), -1))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void equal_pointers_for_equal_oid_and_size() {
    Optional<LfsPointer> parsed = LfsPointer.parse(
        ("version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 42\n").getBytes(UTF_8));

    assertThat(parsed).hasValue(new LfsPointer(new Sha256(OID), 42));
    assertThat(parsed.orElseThrow().oid().hex()).isEqualTo(OID);
  }

  /** A valid pointer of size 1, padded with an extension line to exactly {@code length} bytes. */
  private static byte[] padded(int length) {
    String head = "version https://git-lfs.github.com/spec/v1\noid sha256:" + OID + "\nsize 1\n";
    String prefix = "x-pad ";
    int fill = length - head.length() - prefix.length() - 1;
    byte[] out = (head + prefix + "p".repeat(fill) + "\n").getBytes(UTF_8);
    assertThat(out).hasSize(length);
    return out;
  }
}
