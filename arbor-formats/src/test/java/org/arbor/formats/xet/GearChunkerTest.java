package org.arbor.formats.xet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Chunk boundaries and hashes of xet-core's chunking tests (the Xet reference, §12.1). */
class GearChunkerTest {
  @Test
  void a_million_splitmix_bytes_cut_and_hash_as_xet_core_does() {
    byte[] data = splitMix64(1_000_000, 0);
    assertThat(new int[] {data[0] & 0xff, data[127] & 0xff, data[111111] & 0xff}).containsExactly(175, 132, 118);

    List<Long> ends = GearChunker.boundaries(data);

    assertThat(ends).containsExactly(84493L, 134421L, 144853L, 243318L, 271793L, 336457L, 467529L, 494581L, 582000L,
        596735L, 616815L, 653164L, 678202L, 724510L, 815591L, 827760L, 958832L, 991092L, 1000000L);
    List<XetHashes.Node> chunks = chunks(data, ends);
    assertThat(chunks.get(0).hash()).hasToString("6eca1e7dadaf08cca5d82d318c800f07c2ddcec115a7e8627e5edd9605b94b8d");
    assertThat(chunks.get(6).hash()).hasToString("80acc8d39c853b4b8a8c6ad7b63bf2ea68f62c2226b92f06349f92cc84d213cc");
    assertThat(chunks.get(18).hash()).hasToString("03e5b5f5a088269ec4b329f1e04debfac4cb54b9c0facf038f7e8e0f054be7e2");
    assertThat(XetHashes.aggregate(chunks))
        .hasToString("6f2ce16ca5e317f0100ff0e7e5bf40a0de9032e9ee1ad04b6b8ff4e36cdfbf6c");
    assertThat(XetHashes.file(chunks)).hasToString("3d17b2d7d64a0e011b6717a52d9a16bd2c3f05b743fa8adf52a7d75dafab6d89");
    List<XetHash> hashes = chunks.stream().map(XetHashes.Node::hash).toList();
    assertThat(XetHashes.verification(hashes))
        .hasToString("6daf15a7ed258b91f607e8f5e6723a8564292d12c8104c156f7bad9c255a0180");
    assertThat(XetHashes.verification(hashes.subList(0, 3)))
        .hasToString("9d229909f34de2ef9143bb807ab4862894ff855af45ff18f79063400cb72383a");
    assertThat(hashes).noneMatch(h -> h.modulo(1024) == 0);
  }

  @Test
  void constant_bytes_are_cut_at_the_maximum_size() {
    byte[] data = new byte[1_000_000];
    Arrays.fill(data, (byte) 0x3B);

    List<Long> ends = GearChunker.boundaries(data);

    assertThat(ends).containsExactly(131072L, 262144L, 393216L, 524288L, 655360L, 786432L, 917504L, 1000000L);
    List<XetHashes.Node> chunks = chunks(data, ends);
    assertThat(chunks.get(0).hash()).hasToString("d3b528b30528f3ad802a015cdf93c531d4da754a1f8c0d341a8f111fd8b6f04e");
    assertThat(chunks.get(7).hash()).hasToString("99d04e49b71237231d47669f3eec84c90eb6b6be12b364ce326c05c6d71c3a9f");
    assertThat(XetHashes.aggregate(chunks))
        .hasToString("a6b5a7f0bb38b6fd5fb39031eb7564e18ea0e7a0b7bea87de54ed1db8bc85884");
    assertThat(XetHashes.file(chunks)).hasToString("53f845640fcd1c7440befff65bd93434c83a30c6559a705597d61f2ef64e2f88");
  }

  @Test
  void boundaries_do_not_depend_on_how_the_input_is_fed() {
    byte[] data = splitMix64(700_000, 42);
    List<Long> whole = GearChunker.boundaries(data);
    Random random = new Random(7);
    GearChunker chunker = new GearChunker();
    List<Long> pieces = new ArrayList<>();
    for (int off = 0; off < data.length; ) {
      int n = Math.min(data.length - off, 1 + random.nextInt(40_000));
      pieces.addAll(chunker.feed(data, off, n));
      off += n;
    }
    pieces.addAll(chunker.finish());

    assertThat(pieces).isEqualTo(whole);
    assertThat(GearChunker.boundaries(new byte[0])).isEmpty();
    assertThat(GearChunker.boundaries(new byte[100])).containsExactly(100L);
  }

  @Test
  void the_content_of_the_mixed_client_vector_is_one_chunk_for_xet_core() {
    byte[] data = new byte[9000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) ((i * 7) % 253);
    }
    List<XetHashes.Node> chunks = chunks(data, GearChunker.boundaries(data));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.getFirst().hash()).hasToString("52269d13e60f7aa8a45f5493cecb3b118af093fd42273fc590f0fc5286db27b1");
    assertThat(XetHashes.file(chunks)).hasToString("d414954570f5acdb86b724ac6d07bdabfd2cd3e67ba2349f027595cf2ce23120");
  }

  static List<XetHashes.Node> chunks(byte[] data, List<Long> ends) {
    List<XetHashes.Node> out = new ArrayList<>();
    int start = 0;
    for (long end : ends) {
      out.add(new XetHashes.Node(XetHashes.chunk(data, start, (int) end - start), end - start));
      start = (int) end;
    }
    return out;
  }

  static byte[] splitMix64(int length, long seed) {
    byte[] out = new byte[length + 8];
    long state = seed;
    for (int i = 0; i < length; i += 8) {
      state += 0x9E3779B97F4A7C15L;
      long z = state;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
      for (int b = 0; b < 8; b++) {
        out[i + b] = (byte) (z >>> (8 * b));
      }
    }
    return Arrays.copyOf(out, length);
  }
}
