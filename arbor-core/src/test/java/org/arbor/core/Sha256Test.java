package org.arbor.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class Sha256Test {

  @Test
  void digests_known_vectors() {
    assertThat(Sha256.digest(new byte[0]).hex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Sha256.digest("abc".getBytes(UTF_8)).hex())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void streaming_digest_matches_one_shot_digest() {
    byte[] content = "hello, arbor".repeat(1000).getBytes(UTF_8);
    MessageDigest digest = Sha256.newDigest();
    digest.update(content, 0, 100);
    digest.update(content, 100, content.length - 100);

    assertThat(Sha256.of(digest.digest())).isEqualTo(Sha256.digest(content));
  }

  @Test
  void new_digest_is_fresh_each_time() {
    MessageDigest first = Sha256.newDigest();
    first.update((byte) 1);

    assertThat(Sha256.of(Sha256.newDigest().digest())).isEqualTo(Sha256.digest(new byte[0]));
  }

  @Test
  void to_string_is_the_hex() {
    Sha256 sha = Sha256.digest("abc".getBytes(UTF_8));

    assertThat(sha).hasToString(sha.hex());
  }

  @Test
  void equal_by_value() {
    assertThat(new Sha256("a".repeat(64))).isEqualTo(new Sha256("a".repeat(64)));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {
      "", "abc",
      "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
      "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
      "../../../../../../../../../../../../../../../../../../../etc/pass"})
  void rejects_anything_but_64_lower_case_hex(String hex) {
    HubException e = catchThrowableOfType(HubException.class, () -> new Sha256(hex));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).contains("64 lower-case hex");
  }
}
