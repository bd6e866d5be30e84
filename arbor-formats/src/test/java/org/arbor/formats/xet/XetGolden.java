package org.arbor.formats.xet;

import java.util.HexFormat;

/**
 * Golden bytes of the Xet reference (§12.4): what hf_xet 1.6.0 uploaded for the 12-byte file
 * "Hello, Xet!\n". For other modules' tests too (this class ships in the test jar).
 */
public final class XetGolden {
  private XetGolden() {}

  /** The content. */
  public static final String HELLO = "Hello, Xet!\n";
  /** Its SHA-256 (its LFS oid). */
  public static final String HELLO_SHA256 = "58e90b57480742fc50b478faf5d7e269761861edecff4160f16b524391cc595f";
  /** Its one chunk, which is also its xorb. */
  public static final String HELLO_XORB_HASH = "4367fe9a96990ce75c96785622984bb8b5b2140d25197a759acad97fb48ddb4b";
  /** Its Xet file hash. */
  public static final String HELLO_FILE_HASH = "2358f5cec221287c029423187990c0c51d093e6ccdfcd911c1b90da1dc5a2c17";

  /** The xorb as hf_xet sent it: one uncompressed chunk (20 bytes). */
  public static byte[] helloXorb() {
    return HexFormat.of().parseHex("000c0000000c000048656c6c6f2c20586574210a");
  }

  /** The shard as hf_xet sent it (432 bytes, no footer): the file, its term, verification, SHA-256; the xorb. */
  public static byte[] helloShard() {
    return HexFormat.of().parseHex(
      "48465265706f4d6574614461746100556967456a7b815783a5bdd95ccdd14aa9" + "02000000000000000000000000000000"
      + "7c2821c2cef55823c5c090791823940211d9fccd6c3e091d172c5adca10db9c1" + "000000c0010000000000000000000000"
      + CHUNK + "000000000c0000000000000001000000"
      + "5c953d1f6323493daff61ac70ece931e1e1dddcfc3afc08485df215c68895a16" + "00000000000000000000000000000000"
      + "fc420748570be95869e2d7f5fa78b4506041ffeced6118765f59cc9143526bf1" + "00000000000000000000000000000000"
      + BOOKEND
      + CHUNK + "00000000010000000c00000000000000"
      + CHUNK + "000000000c0000000000000000000000"
      + BOOKEND);
  }

  private static final String CHUNK = "e70c99969afe6743b84b98225678965c757a19250d14b2b54bdb8db47fd9ca9a";
  private static final String BOOKEND = "ff".repeat(32) + "00".repeat(16);
}
