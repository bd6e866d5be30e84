package org.arbor.formats.xet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.arbor.formats.FormatException;
import org.junit.jupiter.api.Test;

/** Xorb bodies as hf_xet and @huggingface/hub uploaded them (the Xet reference, §12.4-12.5), and broken ones. */
class XorbTest {
  static final byte[] HELLO = XetGolden.helloXorb();
  static final byte[] LZ4_FLEX = HexFormat.of().parseHex(
      "003801000128230004224d1860408229010000ffec000102030405060708090a0b0c0d0e0f101112131415161718191a"
      + "1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a"
      + "4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a"
      + "7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aa"
      + "abacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9da"
      + "dbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafb00ffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffff3660d1d2d3d4d5d600000000");
  static final byte[] BG4 = HexFormat.of().parseHex(
      "00d501000210270004224d18604082c6010000fff1404346494c4f5255585b5e6164676a6d707376797c7f8285888b8e"
      + "9194979a9da0a3a6a9acafb2b5b8bbbec1c4c7cacdd0d3d6d9dcdfe2e5e8ebeef1f4f7fafd000306090c0f1215181b1e"
      + "2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abae"
      + "b1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaedf0f3f6f9fcff0205080b0e1114171a1d202326292c2f3235383b3e"
      + "4144474a4d505356595c5f6265686b6e7174777a7d808386898c8f9295989b9ea1a4a7aaadb0b3b6b9bcbfc2c5c8cbce"
      + "d1d4d7dadde0e3e6e9eceff2f5f8fbfe0104070a0d101316191c1f2225282b2e3134373a3d0001ffffffffffffffffb9"
      + "1f4201002c1f430100421f440100411f450100411f460100421f470100411f480100411f490100421f4a0100411f4b01"
      + "00411f4c0100421f4d0100411f4e0100411f4f0100421f500100411f510100411f520100421f530100411f540100411f"
      + "550100421f560100411f570100411f580100421f590100411f5a0100411f5b0100421f5c0100411f5d0100411f5e0100"
      + "421f5f01001a1f0f0100ffffffffffffffffffb91f000100ffffffffffffffffffb36000000000000000000000");
  static final byte[] LZ4JS = HexFormat.of().parseHex(
      "0037010001c01f0004224d184070df28010000fff000070e151c232a31383f464d545b626970777e858c939aa1a8afb6"
      + "bdc4cbd2d9e0e7eef5fc060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb050c"
      + "131a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa040b121920272e353c434a51585f"
      + "666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f9030a11181f262d343b424950575e656c737a81888f969da4abb2"
      + "b9c0c7ced5dce3eaf1f8020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f70108"
      + "0f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff60007fd00ffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffc750bdc4cbd2d900000000001b01000168030004224d184070df0c01"
      + "0000fff0e0e7eef5fc060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb050c13"
      + "1a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa040b121920272e353c434a51585f66"
      + "6d747b828990979ea5acb3bac1c8cfd6dde4ebf2f9030a11181f262d343b424950575e656c737a81888f969da4abb2b9"
      + "c0c7ced5dce3eaf1f8020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f701080f"
      + "161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff600070e151c232a31383f464d545b62"
      + "6970777e858c939aa1a8afb6bdc4cbd2d9e0e7fd00ffff5350dde4ebf2f900000000");

  @Test
  void an_uncompressed_chunk_as_hf_xet_sent_it() throws Exception {
    Xorb xorb = Xorb.parse(HELLO, HELLO.length);

    assertThat(xorb.hash()).hasToString("4367fe9a96990ce75c96785622984bb8b5b2140d25197a759acad97fb48ddb4b");
    assertThat(xorb.chunks()).containsExactly(new Xorb.Chunk(xorb.hash(), 0, 20, 12, Xorb.NONE));
    assertThat(xorb.length()).isEqualTo(20);
    assertThat(new String(Xorb.chunkData(HELLO, xorb.chunks().getFirst()))).isEqualTo("Hello, Xet!\n");
  }

  @Test
  void compressed_chunks_from_both_clients_decode_and_hash() throws Exception {
    assertContent(LZ4_FLEX, "39b8a5d86987f505640d16ea1572d348745a1efacff35de7fac565d43e5bf34c",
        "4b81efbd205e7fb4e42bc0d72d9d7413642298735289d35a74c1755883bcc45c", 1);
    assertContent(BG4, "dc43f58bbbc419c15fc7c295f7ae9a3a8e1d2eabc107b97f79ef12509f3c1ea3",
        "110ccb59940cc862b1aba614d5ba665b28dc59b9aa1d0a4700976d491200588c", 1);
    assertContent(LZ4JS, "f9f838a52e396f0597e5691b3206f2b29fa4d436ced8df06ff9ad63643821d90",
        "fb712696e8fa71fcc44682b89ad0117613adfcfbacb730bf71e436bc9a25416b", 2);
  }

  @Test
  void an_xet_core_footer_is_dropped() throws Exception {
    byte[] withFooter = Arrays.copyOf(HELLO, HELLO.length + 40);
    System.arraycopy("XETBLOB".getBytes(), 0, withFooter, HELLO.length, 7);

    Xorb xorb = Xorb.parse(withFooter, withFooter.length);

    assertThat(xorb.length()).isEqualTo(HELLO.length);
    assertThat(xorb.hash()).isEqualTo(Xorb.parse(HELLO, HELLO.length).hash());
  }

  @Test
  void chunks_written_uncompressed_parse_back_to_their_merkle_hash() throws Exception {
    byte[] data = GearChunkerTest.splitMix64(400_000, 9);
    List<Long> ends = GearChunker.boundaries(data);

    byte[] body = Xorb.write(XetFixtures.chunks(data));
    Xorb xorb = Xorb.parse(body, body.length);

    assertThat(xorb.hash()).isEqualTo(XetHashes.aggregate(GearChunkerTest.chunks(data, ends)));
    assertThat(xorb.uncompressedLength()).isEqualTo(data.length);
  }

  @Test
  void a_full_xorb_of_64_mib_of_payload_and_its_headers_is_accepted_and_one_chunk_more_is_not() throws Exception {
    // hf_xet fills xorbs up to 64 MiB of chunk data and sends the 8-byte headers on top.
    byte[] piece = GearChunkerTest.splitMix64(65_536, 4);
    java.util.List<byte[]> chunks = new java.util.ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      byte[] c = piece.clone();
      c[0] = (byte) i;
      c[1] = (byte) (i >> 8);
      chunks.add(c);
    }
    byte[] full = Xorb.write(chunks);
    assertThat(full.length).isGreaterThan(64 << 20);
    assertThat(Xorb.parse(full, full.length).chunks()).hasSize(1024);

    chunks.add(piece);
    byte[] over = Xorb.write(chunks);
    assertThatThrownBy(() -> Xorb.parse(over, over.length)).isInstanceOf(FormatException.class)
        .hasMessageContaining("over 64 MiB and their headers");
  }

  @Test
  void broken_bodies_are_refused_with_a_reason() {
    assertRefused(new byte[0], "empty");
    assertRefused(hex("010c0000000c000048656c6c6f2c20586574210a"), "version 1");
    assertRefused(hex("000c0000070c000048656c6c6f2c20586574210a"), "compression scheme 7");
    assertRefused(hex("000c0000000b000048656c6c6f2c20586574210a"), "says 11");
    assertRefused(hex("000c000000010002" + "00".repeat(12)), "over the limits");
    assertRefused(Arrays.copyOf(HELLO, HELLO.length + 3), "ends inside a chunk header");
    for (int n = 1; n < HELLO.length; n++) {
      int cut = n;
      assertThatThrownBy(() -> Xorb.parse(HELLO, cut)).as("cut at %d", cut).isInstanceOf(FormatException.class);
    }
    for (int n = 1; n < LZ4JS.length; n += 7) {
      int cut = n;
      assertThatThrownBy(() -> Xorb.parse(LZ4JS, cut)).as("cut at %d", cut).isInstanceOf(FormatException.class);
    }
  }

  private static void assertContent(byte[] body, String hash, String sha256, int chunkCount) throws Exception {
    Xorb xorb = Xorb.parse(body, body.length);
    assertThat(xorb.hash()).hasToString(hash);
    assertThat(xorb.chunks()).hasSize(chunkCount);
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (Xorb.Chunk chunk : xorb.chunks()) {
      content.write(Xorb.chunkData(body, chunk));
    }
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.toByteArray())))
        .isEqualTo(sha256);
  }

  private static void assertRefused(byte[] body, String reason) {
    assertThatThrownBy(() -> Xorb.parse(body, body.length)).isInstanceOf(FormatException.class)
        .hasMessageContaining(reason);
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
