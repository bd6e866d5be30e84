package org.arbor.formats.xet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.arbor.formats.FormatException;
import org.junit.jupiter.api.Test;

/** Shards byte for byte as hf_xet sent one and as a dedup answer must look (the Xet reference, §12.4). */
class ShardTest {
  static final byte[] UPLOADED = XetGolden.helloShard();
  static final byte[] DEDUP_ANSWER = HexFormat.of().parseHex(
      "48465265706f4d6574614461746100556967456a7b815783a5bdd95ccdd14aa90200000000000000c800000000000000"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00000000000000000000000000000000"
      + "e70c99969afe6743b84b98225678965c757a19250d14b2b54bdb8db47fd9ca9a00000000010000000c00000014000000"
      + "e70c99969afe6743b84b98225678965c757a19250d14b2b54bdb8db47fd9ca9a000000000c0000000000008000000000"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00000000000000000000000000000000"
      + "010000000000000030000000000000006000000000000000f0000000000000000000000000000000f000000000000000"
      + "0000000000000000f0000000000000000000000000000000000000000000000000000000000000000000000000000000"
      + "000000000000000000b9556900000000002e686900000000000000000000000000000000000000000000000000000000"
      + "000000000000000000000000000000000000000000000000140000000000000000000000000000000c00000000000000"
      + "f000000000000000");
  private static final XetHash CHUNK = XetHash.parse("4367fe9a96990ce75c96785622984bb8b5b2140d25197a759acad97fb48ddb4b");

  @Test
  void the_shard_hf_xet_uploaded_for_hello_xet() throws Exception {
    Shard shard = Shard.parse(UPLOADED, UPLOADED.length);

    Shard.FileInfo file = shard.files().getFirst();
    assertThat(file.hash()).hasToString("2358f5cec221287c029423187990c0c51d093e6ccdfcd911c1b90da1dc5a2c17");
    assertThat(file.terms()).containsExactly(new Shard.Term(CHUNK, 12, 0, 1));
    assertThat(file.verification()).containsExactly(
        XetHash.parse("3d4923631f3d955c1e93ce0ec71af6af84c0afc3cfdd1d1e165a89685c21df85"));
    assertThat(file.sha256()).isEqualTo("58e90b57480742fc50b478faf5d7e269761861edecff4160f16b524391cc595f");
    assertThat(file.size()).isEqualTo(12);
    assertThat(shard.xorbs()).containsExactly(new Shard.XorbInfo(CHUNK, 0, 12, 0,
        List.of(new Shard.ChunkInfo(CHUNK, 0, 12, 0))));
    assertThat(shard.write(null)).as("written back byte for byte").isEqualTo(UPLOADED);
  }

  @Test
  void a_dedup_answer_is_written_as_both_clients_read_it() throws Exception {
    Shard answer = new Shard(List.of(), List.of(new Shard.XorbInfo(CHUNK, 0, 12, 20,
        List.of(new Shard.ChunkInfo(CHUNK, 0, 12, Shard.GLOBAL_DEDUP)))));
    long created = 1767225600L;

    byte[] bytes = answer.write(new Shard.Footer(new byte[32], created, created + 14 * 86400, 20, 0, 12));

    assertThat(bytes).isEqualTo(DEDUP_ANSWER);
    assertThat(Shard.parse(bytes, bytes.length).xorbs()).isEqualTo(answer.xorbs());
  }

  @Test
  void a_footer_after_the_sections_is_tolerated() throws Exception {
    Shard shard = Shard.parse(UPLOADED, UPLOADED.length);
    byte[] withFooter = shard.write(new Shard.Footer(new byte[32], 1, 2, 20, 12, 12));

    assertThat(Shard.parse(withFooter, withFooter.length).files()).isEqualTo(shard.files());
  }

  @Test
  void broken_shards_are_refused_with_a_reason() {
    byte[] badTag = UPLOADED.clone();
    badTag[3] ^= 1;
    assertRefused(badTag, "bad tag");
    byte[] badVersion = UPLOADED.clone();
    badVersion[32] = 3;
    assertRefused(badVersion, "version 3");
    byte[] emptyTerm = UPLOADED.clone();
    emptyTerm[96 + 44] = 0;   // chunk_index_end 0: [0, 0)
    assertRefused(emptyTerm, "are empty");
    for (int n = 0; n < UPLOADED.length; n += 5) {
      int cut = n;
      assertThatThrownBy(() -> Shard.parse(UPLOADED, cut)).as("cut at %d", cut).isInstanceOf(FormatException.class);
    }
  }

  @Test
  void files_with_and_without_verification_may_not_be_mixed() throws Exception {
    Shard.FileInfo verified = Shard.parse(UPLOADED, UPLOADED.length).files().getFirst();
    Shard.FileInfo bare = new Shard.FileInfo(verified.hash(), verified.terms(), List.of(), null);
    byte[] mixed = new Shard(List.of(verified, bare), List.of()).write(null);

    assertRefused(mixed, "mixed");
    assertThat(Arrays.copyOf(mixed, 8)).isEqualTo(Arrays.copyOf(UPLOADED, 8));
  }

  private static void assertRefused(byte[] body, String reason) {
    assertThatThrownBy(() -> Shard.parse(body, body.length)).isInstanceOf(FormatException.class)
        .hasMessageContaining(reason);
  }
}
