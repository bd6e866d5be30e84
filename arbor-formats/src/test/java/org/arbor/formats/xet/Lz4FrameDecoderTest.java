package org.arbor.formats.xet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.arbor.formats.FormatException;
import org.junit.jupiter.api.Test;

class Lz4FrameDecoderTest {
  // Vectors (a), (b) and (c) are Xet xorb bodies written by lz4_flex, by Xet's ByteGrouping4LZ4
  // scheme and by lz4js; LINKED_64K_BLOCKS was written by the lz4 1.9.4 command line tool.

  @Test
  void decodes_lz4_flex_independent_blocks() throws Exception {
    List<Chunk> chunks = chunks(XORB_A);
    assertThat(chunks).extracting(Chunk::scheme).containsExactly(1);
    byte[] content = content(XORB_A);
    assertThat(sha256(content))
        .isEqualTo("4b81efbd205e7fb4e42bc0d72d9d7413642298735289d35a74c1755883bcc45c");
    assertThat(content).containsExactly(pattern(9000, 1, 251));
  }

  @Test
  void decodes_a_byte_grouped_chunk() throws Exception {
    assertThat(chunks(XORB_B)).extracting(Chunk::scheme).containsExactly(2);
    byte[] content = content(XORB_B);
    assertThat(sha256(content))
        .isEqualTo("110ccb59940cc862b1aba614d5ba665b28dc59b9aa1d0a4700976d491200588c");
    ByteBuffer expected = ByteBuffer.allocate(10000).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 2500; i++) {
      expected.putInt(1000000 + 3 * i);
    }
    assertThat(content).containsExactly(expected.array());
  }

  @Test
  void decodes_lz4js_frames_with_the_linked_flag() throws Exception {
    assertThat(chunks(XORB_C)).extracting(Chunk::uncompressedSize).containsExactly(8128, 872);
    byte[] content = content(XORB_C);
    assertThat(sha256(content))
        .isEqualTo("fb712696e8fa71fcc44682b89ad0117613adfcfbacb730bf71e436bc9a25416b");
    assertThat(content).containsExactly(pattern(9000, 7, 253));
  }

  @Test
  void a_linked_block_reaches_into_the_previous_block() throws Exception {
    // FLG 0x5C: linked blocks, block checksums, content size, content checksum. Three blocks of
    // 65536, 65536 and 18928 bytes; the second starts with a match 65527 bytes back.
    byte[] content = Lz4FrameDecoder.decode(LINKED_64K_BLOCKS, 0, LINKED_64K_BLOCKS.length, 150000);
    assertThat(sha256(content))
        .isEqualTo("3a02fa851b74bf792595d44f5ef1016e400b9801a4f098a512a7936849d63e4f");
    assertThat(content).containsExactly(pattern(150000, 7, 253));

    byte[] independent = LINKED_64K_BLOCKS.clone();
    independent[4] |= 0x20;
    assertThatThrownBy(() -> Lz4FrameDecoder.decode(independent, 0, independent.length, 150000))
        .isInstanceOf(FormatException.class).hasMessageContaining("independent block");
  }

  @Test
  void a_hand_built_linked_match_and_its_independent_twin() throws Exception {
    byte[] first = {0x40, 'a', 'b', 'c', 'd'};
    byte[] second = {0x00, 4, 0, 0x10, '!'};
    assertThat(decode(frame(0x40, first, second), 9))
        .containsExactly("abcdabcd!".getBytes());
    assertFails(frame(0x60, first, second), 9, "match offset 4 reaches before the start");
  }

  @Test
  void decodes_an_overlapping_match() throws Exception {
    byte[] block = {0x22, 'a', 'b', 2, 0, 0x10, '!'};
    assertThat(decode(frame(0x60, block), 9)).containsExactly("abababab!".getBytes());
  }

  @Test
  void decodes_a_stored_block() throws Exception {
    byte[] frame = frame(0x60);
    byte[] stored = new byte[frame.length + 4 + 5];
    System.arraycopy(frame, 0, stored, 0, 7);
    ByteBuffer.wrap(stored, 7, 13).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(0x80000005).put("hello".getBytes()).putInt(0);
    assertThat(decode(stored, 5)).containsExactly("hello".getBytes());
    assertFails(stored, 4, "more than the expected 4");
    assertFails(stored, 6, "decoded 5 bytes, expected 6");
  }

  @Test
  void decodes_an_empty_frame_and_reads_inside_a_larger_array() throws Exception {
    assertThat(decode(frame(0x60), 0)).isEmpty();
    byte[] xorb = XORB_A;
    assertThat(Lz4FrameDecoder.decode(xorb, 8, xorb.length - 8, 9000)).hasSize(9000);
  }

  @Test
  void rejects_bad_headers() {
    byte[] good = frame(0x60, new byte[] {0x10, 'x'});
    byte[] badMagic = good.clone();
    badMagic[0] = 0x05;
    assertFails(badMagic, 1, "bad magic number 0x184D2205");
    byte[] version = good.clone();
    version[4] = (byte) 0xA0;
    assertFails(version, 1, "unsupported frame version 2");
    byte[] dictionary = good.clone();
    dictionary[4] = 0x61;
    assertFails(dictionary, 1, "dictionary");
    byte[] reserved = good.clone();
    reserved[4] = 0x62;
    assertFails(reserved, 1, "reserved FLG bit");
    byte[] blockSizeId = good.clone();
    blockSizeId[5] = 0x30;
    assertFails(blockSizeId, 1, "invalid BD byte 0x30");
  }

  @Test
  void rejects_a_declared_content_size_that_differs_from_the_expected_size() throws Exception {
    byte[] frame = frame(0x68, new byte[] {0x10, 'x'});
    assertThat(decode(frame, 1)).containsExactly('x');
    assertFails(frame, 2, "declared content size 1 differs from the expected 2");
  }

  @Test
  void rejects_every_truncation_of_a_real_frame() {
    int frameLength = XORB_A.length - 8;
    for (int len = 0; len < frameLength; len++) {
      int n = len;
      assertThatThrownBy(() -> Lz4FrameDecoder.decode(XORB_A, 8, n, 9000))
          .as("prefix of %d bytes", n).isInstanceOf(FormatException.class);
    }
  }

  @Test
  void rejects_bytes_after_the_frame() {
    byte[] longer = Arrays.copyOf(XORB_A, XORB_A.length + 1);
    assertThatThrownBy(() -> Lz4FrameDecoder.decode(longer, 8, longer.length - 8, 9000))
        .isInstanceOf(FormatException.class).hasMessageContaining("1 bytes follow the end");
  }

  @Test
  void rejects_the_vector_with_one_extra_match_length_byte() {
    // The brief that carried vector (a) had 35 rather than 34 0xFF bytes in the match length:
    // the block then decodes to 9255 bytes and runs past its declared size.
    byte[] payload = Arrays.copyOfRange(XORB_A, 8, XORB_A.length);
    byte[] extra = new byte[payload.length + 1];
    System.arraycopy(payload, 0, extra, 0, 266);
    extra[266] = (byte) 0xFF;
    System.arraycopy(payload, 266, extra, 267, payload.length - 266);
    assertFails(extra, 9000, "more than the expected 9000");
    assertThatThrownBy(() -> Lz4FrameDecoder.decode(extra, 0, payload.length, 9255))
        .isInstanceOf(FormatException.class).hasMessageContaining("past the end of the block");
  }

  @Test
  void rejects_a_wrong_expected_size() {
    byte[] payload = Arrays.copyOfRange(XORB_A, 8, XORB_A.length);
    assertFails(payload, 8999, "more than the expected 8999");
    assertFails(payload, 9001, "decoded 9000 bytes, expected 9001");
    assertFails(payload, 0, "literal length exceeds the expected output size 0");
    assertFails(payload, -1, "negative expected size -1");
  }

  @Test
  void rejects_bad_match_offsets() {
    assertFails(frame(0x60, new byte[] {0x22, 'a', 'b', 0, 0, 0x10, '!'}), 9, "match offset 0");
    assertFails(frame(0x60, new byte[] {0x22, 'a', 'b', 3, 0, 0x10, '!'}), 9,
        "match offset 3 reaches before the start of the independent block (2 bytes available)");
    assertFails(frame(0x40, new byte[] {0x04, 1, 0}), 4,
        "match offset 1 reaches before the start of the output (0 bytes available)");
  }

  @Test
  void rejects_lengths_that_run_past_the_block_or_the_output() {
    assertFails(frame(0x60, new byte[] {0x30, 'a', 'b'}), 3, "3 literals run past the end");
    assertFails(frame(0x60, new byte[] {0x22, 'a', 'b', 2}), 9, "block ends inside the match");
    assertFails(frame(0x60, new byte[] {0x12, 'a', 1, 0}), 7, "block ends inside the sequence");
    assertFails(frame(0x60, new byte[] {(byte) 0xF0}), 100, "block ends inside the literal");
    byte[] runaway = new byte[60_000];
    Arrays.fill(runaway, (byte) 0xFF);
    assertFails(frame(0x40, runaway), 100, "literal length exceeds the expected output size 100");
  }

  @Test
  void random_byte_flips_decode_to_the_expected_size_or_fail_cleanly() {
    byte[] payload = Arrays.copyOfRange(XORB_A, 8, XORB_A.length);
    Random random = new Random(20240611);
    int decoded = 0;
    for (int round = 0; round < 2000; round++) {
      byte[] damaged = payload.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
      }
      try {
        assertThat(Lz4FrameDecoder.decode(damaged, 0, damaged.length, 9000)).hasSize(9000);
        decoded++;
      } catch (FormatException expected) {
        assertThat(expected.resource()).isEqualTo("lz4 frame");
      }
    }
    assertThat(decoded).as("flips of literals and checksums still decode").isPositive();
  }

  private static void assertFails(byte[] frame, int expectedSize, String message) {
    assertThatThrownBy(() -> decode(frame, expectedSize))
        .isInstanceOf(FormatException.class).hasMessageContaining(message);
  }

  private static byte[] decode(byte[] frame, int expectedSize) throws FormatException {
    return Lz4FrameDecoder.decode(frame, 0, frame.length, expectedSize);
  }

  /**
   * A frame with the given FLG byte, BD 0x40 and compressed blocks; a content size of 1 when FLG
   * says one is present. The header checksum byte is zero, since the decoder ignores it.
   */
  private static byte[] frame(int flg, byte[]... blocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(le32(0x184D2204));
    out.write(flg);
    out.write(0x40);
    if ((flg & 0x08) != 0) {
      out.writeBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0});
    }
    out.write(0);
    for (byte[] block : blocks) {
      out.writeBytes(le32(block.length));
      out.writeBytes(block);
    }
    out.writeBytes(le32(0));
    return out.toByteArray();
  }

  private static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  /** One chunk header of a xorb: [u8 version][u24 compressed][u8 scheme][u24 uncompressed]. */
  private record Chunk(int payloadOffset, int compressedSize, int scheme, int uncompressedSize) {}

  private static List<Chunk> chunks(byte[] xorb) {
    ByteBuffer in = ByteBuffer.wrap(xorb).order(ByteOrder.LITTLE_ENDIAN);
    List<Chunk> chunks = new ArrayList<>();
    while (in.hasRemaining()) {
      assertThat(in.get()).as("chunk version").isZero();
      int compressed = u24(in);
      int scheme = in.get();
      int uncompressed = u24(in);
      chunks.add(new Chunk(in.position(), compressed, scheme, uncompressed));
      in.position(in.position() + compressed);
    }
    return chunks;
  }

  private static int u24(ByteBuffer in) {
    return (in.get() & 0xFF) | (in.get() & 0xFF) << 8 | (in.get() & 0xFF) << 16;
  }

  private static byte[] content(byte[] xorb) throws FormatException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Chunk c : chunks(xorb)) {
      byte[] data = switch (c.scheme()) {
        case 0 -> Arrays.copyOfRange(xorb, c.payloadOffset(),
            c.payloadOffset() + c.compressedSize());
        case 1, 2 -> Lz4FrameDecoder.decode(xorb, c.payloadOffset(), c.compressedSize(),
            c.uncompressedSize());
        default -> throw new AssertionError("scheme " + c.scheme());
      };
      out.writeBytes(c.scheme() == 2 ? ByteGrouping4.regroup(data) : data);
    }
    return out.toByteArray();
  }

  /** {@code n} bytes {@code (i * step) % modulus}. */
  private static byte[] pattern(int n, int step, int modulus) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((long) i * step % modulus);
    }
    return b;
  }

  private static String sha256(byte[] data) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static final byte[] XORB_A = hex(""
      + "003801000128230004224d1860408229010000ffec000102030405060708090a0b0c0d0e0f10111213141516"
      + "1718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142"
      + "434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e"
      + "6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a"
      + "9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6"
      + "c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2"
      + "f3f4f5f6f7f8f9fafb00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "3660d1d2d3d4d5d600000000");

  private static final byte[] XORB_B = hex(""
      + "00d501000210270004224d18604082c6010000fff1404346494c4f5255585b5e6164676a6d707376797c7f82"
      + "85888b8e9194979a9da0a3a6a9acafb2b5b8bbbec1c4c7cacdd0d3d6d9dcdfe2e5e8ebeef1f4f7fafd000306"
      + "090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a"
      + "8d909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaedf0f3f6f9fcff0205080b0e"
      + "1114171a1d202326292c2f3235383b3e4144474a4d505356595c5f6265686b6e7174777a7d808386898c8f92"
      + "95989b9ea1a4a7aaadb0b3b6b9bcbfc2c5c8cbced1d4d7dadde0e3e6e9eceff2f5f8fbfe0104070a0d101316"
      + "191c1f2225282b2e3134373a3d0001ffffffffffffffffb91f4201002c1f430100421f440100411f45010041"
      + "1f460100421f470100411f480100411f490100421f4a0100411f4b0100411f4c0100421f4d0100411f4e0100"
      + "411f4f0100421f500100411f510100411f520100421f530100411f540100411f550100421f560100411f5701"
      + "00411f580100421f590100411f5a0100411f5b0100421f5c0100411f5d0100411f5e0100421f5f01001a1f0f"
      + "0100ffffffffffffffffffb91f000100ffffffffffffffffffb36000000000000000000000");

  private static final byte[] XORB_C = hex(""
      + "0037010001c01f0004224d184070df28010000fff000070e151c232a31383f464d545b626970777e858c939a"
      + "a1a8afb6bdc4cbd2d9e0e7eef5fc060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1"
      + "d8dfe6edf4fb050c131a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa040b"
      + "121920272e353c434a51585f666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f9030a11181f262d343b42"
      + "4950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8020910171e252c333a41484f565d646b7279"
      + "80878e959ca3aab1b8bfc6cdd4dbe2e9f0f701080f161d242b323940474e555c636a71787f868d949ba2a9b0"
      + "b7bec5ccd3dae1e8eff60007fd00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "c750bdc4cbd2d900000000001b01000168030004224d184070df0c010000fff0e0e7eef5fc060d141b222930"
      + "373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb050c131a21282f363d444b52596067"
      + "6e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa040b121920272e353c434a51585f666d747b828990979e"
      + "a5acb3bac1c8cfd6dde4ebf2f9030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5"
      + "dce3eaf1f8020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f701080f"
      + "161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff600070e151c232a31383f46"
      + "4d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7fd00ffff5350dde4ebf2f900000000");

  private static final byte[] LINKED_64K_BLOCKS = hex(""
      + "04224d185c40f049020000000000e907020000ffee00070e151c232a31383f464d545b626970777e858c939a"
      + "a1a8afb6bdc4cbd2d9e0e7eef5fc060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1"
      + "d8dfe6edf4fb050c131a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa040b"
      + "121920272e353c434a51585f666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f9030a11181f262d343b42"
      + "4950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8020910171e252c333a41484f565d646b7279"
      + "80878e959ca3aab1b8bfc6cdd4dbe2e9f0f701080f161d242b323940474e555c636a71787f868d949ba2a9b0"
      + "b7bec5ccd3dae1e8eff6fd00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffea501c232a31382d5a3b880a0100000ff7ffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffe8505b6269707701290b4751010000ffee7e858c939aa1a8afb6bdc4cbd2d9"
      + "e0e7eef5fc060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb050c13"
      + "1a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa040b121920272e353c434a"
      + "51585f666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f9030a11181f262d343b424950575e656c737a81"
      + "888f969da4abb2b9c0c7ced5dce3eaf1f8020910171e252c333a41484f565d646b727980878e959ca3aab1b8"
      + "bfc6cdd4dbe2e9f0f701080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8ef"
      + "f600070e151c232a31383f464d545b62697077fd00ffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
      + "ffffffffffff24500f161d242b0da98aa3000000003855c720");
}
