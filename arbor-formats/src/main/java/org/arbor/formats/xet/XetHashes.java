package org.arbor.formats.xet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.params.Blake3Parameters;

/**
 * The hashes of the Xet format, all BLAKE3 in keyed mode: a chunk's hash, the merkle aggregation
 * of (hash, size) lists into a xorb hash or (keyed once more) a file hash, and the verification
 * hash that proves an uploader knows the chunk hashes of a range it references.
 */
public final class XetHashes {
  /** A merkle leaf or node: a hash and the uncompressed bytes under it. */
  public record Node(XetHash hash, long size) {}

  static final byte[] DATA_KEY = bytes(102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28,
      157, 228, 33, 16, 155, 235, 43, 88, 180, 208, 176, 75, 147, 173, 242, 41);
  static final byte[] INTERNAL_NODE_KEY = bytes(1, 126, 197, 199, 165, 71, 41, 150, 253, 148, 102, 102, 180, 138,
      2, 230, 93, 221, 83, 111, 55, 199, 109, 210, 248, 99, 82, 230, 74, 83, 113, 63);
  static final byte[] VERIFICATION_KEY = bytes(127, 24, 87, 214, 206, 86, 237, 102, 18, 127, 249, 19, 231, 165,
      195, 243, 164, 205, 38, 213, 181, 219, 73, 230, 65, 36, 152, 127, 40, 251, 148, 195);
  private static final byte[] ZERO_KEY = new byte[32];
  /** An internal node takes at most this many children. */
  private static final int MAX_CHILDREN = 9;

  private XetHashes() {}

  /** The hash of a chunk: its uncompressed bytes, keyed with the data key. */
  public static XetHash chunk(byte[] data, int off, int len) {
    return keyed(DATA_KEY, data, off, len);
  }

  /**
   * The merkle root of an ordered (hash, size) list: a xorb's hash over its chunks. Levels are
   * built left to right; a node closes after a child whose hash is 0 mod 4 (from the third child
   * on) or at nine children. One entry is its own root; none is the zero hash.
   */
  public static XetHash aggregate(List<Node> leaves) {
    if (leaves.isEmpty()) {
      return XetHash.ZERO;
    }
    List<Node> level = leaves;
    while (level.size() > 1) {
      List<Node> next = new ArrayList<>((level.size() + 1) / 2);
      for (int i = 0; i < level.size(); ) {
        int n = cut(level, i);
        StringBuilder text = new StringBuilder();
        long total = 0;
        for (Node child : level.subList(i, i + n)) {
          text.append(child.hash()).append(" : ").append(Long.toUnsignedString(child.size())).append('\n');
          total += child.size();
        }
        byte[] ascii = text.toString().getBytes(StandardCharsets.US_ASCII);
        next.add(new Node(keyed(INTERNAL_NODE_KEY, ascii, 0, ascii.length), total));
        i += n;
      }
      level = next;
    }
    return level.getFirst().hash();
  }

  /** A file's hash: the merkle root of all its chunks, keyed with zeros; the empty file's is the zero hash. */
  public static XetHash file(List<Node> chunks) {
    if (chunks.isEmpty()) {
      return XetHash.ZERO;
    }
    return keyed(ZERO_KEY, aggregate(chunks).raw(), 0, 32);
  }

  /** The verification hash of a term: the raw chunk hashes of the range, concatenated, keyed. */
  public static XetHash verification(List<XetHash> chunkHashes) {
    byte[] all = new byte[chunkHashes.size() * 32];
    for (int i = 0; i < chunkHashes.size(); i++) {
      chunkHashes.get(i).copyTo(all, i * 32);
    }
    return keyed(VERIFICATION_KEY, all, 0, all.length);
  }

  /** BLAKE3 keyed with {@code key} (32 bytes), as Xet's "HMAC". */
  public static XetHash keyed(byte[] key, byte[] data, int off, int len) {
    Blake3Digest digest = new Blake3Digest(256);
    digest.init(Blake3Parameters.key(key));
    digest.update(data, off, len);
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return XetHash.ofRaw(out);
  }

  /** How many entries from {@code from} go into the next internal node. */
  private static int cut(List<Node> level, int from) {
    int remaining = level.size() - from;
    if (remaining <= 2) {
      return remaining;
    }
    int end = Math.min(MAX_CHILDREN, remaining);
    for (int j = 2; j < end; j++) {
      if (level.get(from + j).hash().modulo(4) == 0) {
        return j + 1;
      }
    }
    return end;
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }
}
