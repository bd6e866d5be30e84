package org.arbor.formats.xet;

import java.util.ArrayList;
import java.util.List;
import org.arbor.formats.FormatException;

/**
 * A xorb as a client uploads it: chunk records end to end, each an 8-byte header (version 0,
 * u24 compressed size, compression scheme, u24 uncompressed size) and its payload, optionally
 * followed by an xet-core footer (from {@code XETBLOB} on), which is dropped. Parsing checks every
 * header, decodes every payload, hashes every chunk and the whole, so nothing unverified is ever
 * indexed; the index says where each chunk's bytes are, for reconstructions and dedup.
 */
public final class Xorb {
  /** Chunk payloads are capped at 64 MiB; hf_xet leaves the 8-byte headers out of that count. */
  public static final int MAX_CHUNKS = 8192;
  public static final int MAX_RECORD_BYTES = (64 << 20) + 8 * MAX_CHUNKS;
  /** A whole body: chunk records and a footer, which xet-core writes after them. */
  public static final int MAX_BYTES = (64 << 20) + (1 << 20);
  public static final int MAX_UNCOMPRESSED_CHUNK = 131_072;
  public static final int MAX_COMPRESSED_CHUNK = 262_144;
  public static final int NONE = 0;
  public static final int LZ4 = 1;
  public static final int BYTE_GROUPING_4_LZ4 = 2;
  private static final int HEADER = 8;
  private static final byte[] FOOTER_MAGIC = {'X', 'E', 'T', 'B', 'L', 'O', 'B'};

  /** One chunk: its hash, where its record lies in the body ({@code [start, end)}, header included), its sizes. */
  public record Chunk(XetHash hash, int start, int end, int uncompressedSize, int scheme) {}

  private final XetHash hash;
  private final List<Chunk> chunks;
  private final int length;

  private Xorb(XetHash hash, List<Chunk> chunks, int length) {
    this.hash = hash;
    this.chunks = List.copyOf(chunks);
    this.length = length;
  }

  /** The merkle hash of its chunks. */
  public XetHash hash() {
    return hash;
  }

  public List<Chunk> chunks() {
    return chunks;
  }

  /** Bytes of chunk records (a footer, if any, not counted): what is stored. */
  public int length() {
    return length;
  }

  /** Logical bytes: the chunks uncompressed. */
  public long uncompressedLength() {
    return chunks.stream().mapToLong(Chunk::uncompressedSize).sum();
  }

  /**
   * Parses and verifies {@code body[0, len)}.
   *
   * @throws FormatException for anything but well-formed chunk records (a footer aside)
   */
  public static Xorb parse(byte[] body, int len) throws FormatException {
    if (len > MAX_BYTES) {
      throw new FormatException("xorb", "larger than 65 MiB: " + len + " bytes");
    }
    if (len == 0) {
      throw new FormatException("xorb", "empty: a xorb holds at least one chunk");
    }
    List<Chunk> chunks = new ArrayList<>();
    List<XetHashes.Node> nodes = new ArrayList<>();
    int at = 0;
    while (at < len && !startsWith(body, at, len, FOOTER_MAGIC)) {
      if (chunks.size() == MAX_CHUNKS) {
        throw new FormatException("xorb", at, "more than " + MAX_CHUNKS + " chunks");
      }
      if (len - at < HEADER) {
        throw new FormatException("xorb", at, "ends inside a chunk header");
      }
      int version = body[at] & 0xff;
      int compressed = u24(body, at + 1);
      int scheme = body[at + 4] & 0xff;
      int uncompressed = u24(body, at + 5);
      if (version != 0) {
        throw new FormatException("xorb", at, "chunk format version " + version + " (only 0 is known)");
      }
      if (uncompressed > MAX_UNCOMPRESSED_CHUNK || compressed > MAX_COMPRESSED_CHUNK) {
        throw new FormatException("xorb", at, "chunk of " + uncompressed + " bytes (" + compressed
            + " compressed) is over the limits of 131072 (262144)");
      }
      if (len - at - HEADER < compressed) {
        throw new FormatException("xorb", at, "ends inside a chunk's payload");
      }
      XetHash chunkHash;
      if (scheme == NONE && compressed == uncompressed) {
        chunkHash = XetHashes.chunk(body, at + HEADER, compressed);   // stored as it is: no copy to hash
      } else {
        byte[] data = decode(body, at + HEADER, compressed, scheme, uncompressed, at);
        chunkHash = XetHashes.chunk(data, 0, data.length);
      }
      int end = at + HEADER + compressed;
      chunks.add(new Chunk(chunkHash, at, end, uncompressed, scheme));
      nodes.add(new XetHashes.Node(chunkHash, uncompressed));
      at = end;
    }
    if (chunks.isEmpty()) {
      throw new FormatException("xorb", "holds no chunk");
    }
    if (at > MAX_RECORD_BYTES) {
      throw new FormatException("xorb", "chunk records of " + at + " bytes, over 64 MiB and their headers");
    }
    return new Xorb(XetHashes.aggregate(nodes), chunks, at);
  }

  /**
   * The uncompressed bytes of the chunk record at {@code at} of {@code bytes} (a slice of a stored
   * xorb, its header included), read from its header: for serving files from stored xorbs.
   */
  public static byte[] chunkDataAt(byte[] bytes, int at) throws FormatException {
    if (bytes.length - at < HEADER) {
      throw new FormatException("xorb", at, "ends inside a chunk header");
    }
    int compressed = u24(bytes, at + 1);
    if (bytes.length - at - HEADER < compressed) {
      throw new FormatException("xorb", at, "ends inside a chunk's payload");
    }
    return decode(bytes, at + HEADER, compressed, bytes[at + 4] & 0xff, u24(bytes, at + 5), at);
  }

  /**
   * True if the chunk record at {@code at} of {@code bytes} holds its {@code length} bytes as they
   * are (scheme 0), so a reader may take them from {@code at + 8} without decoding.
   */
  public static boolean isStoredPlainAt(java.nio.ByteBuffer bytes, int at, int length) {
    return bytes.limit() - at - HEADER >= length && bytes.get(at) == 0 && (bytes.get(at + 4) & 0xff) == NONE
        && u24(bytes, at + 1) == length && u24(bytes, at + 5) == length;
  }

  private static int u24(java.nio.ByteBuffer b, int at) {
    return (b.get(at) & 0xff) | (b.get(at + 1) & 0xff) << 8 | (b.get(at + 2) & 0xff) << 16;
  }

  /** The uncompressed bytes of a chunk of a parsed body. */
  public static byte[] chunkData(byte[] body, Chunk chunk) throws FormatException {
    return decode(body, chunk.start() + HEADER, chunk.end() - chunk.start() - HEADER, chunk.scheme(),
        chunk.uncompressedSize(), chunk.start());
  }

  /** Writes chunks uncompressed (scheme 0), as a client may: for tests and for converting plain files. */
  public static byte[] write(List<byte[]> chunkData) {
    int size = chunkData.stream().mapToInt(c -> HEADER + c.length).sum();
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] c : chunkData) {
      if (c.length > MAX_UNCOMPRESSED_CHUNK) {
        throw new IllegalArgumentException("a chunk holds at most 131072 bytes: " + c.length);
      }
      out[at] = 0;
      putU24(out, at + 1, c.length);
      out[at + 4] = NONE;
      putU24(out, at + 5, c.length);
      System.arraycopy(c, 0, out, at + HEADER, c.length);
      at += HEADER + c.length;
    }
    return out;
  }

  private static byte[] decode(byte[] body, int off, int len, int scheme, int uncompressed, int at)
      throws FormatException {
    switch (scheme) {
      case NONE -> {
        if (len != uncompressed) {
          throw new FormatException("xorb", at, "uncompressed chunk of " + len + " bytes says " + uncompressed);
        }
        return java.util.Arrays.copyOfRange(body, off, off + len);
      }
      case LZ4 -> {
        return Lz4FrameDecoder.decode(body, off, len, uncompressed);
      }
      case BYTE_GROUPING_4_LZ4 -> {
        return ByteGrouping4.regroup(Lz4FrameDecoder.decode(body, off, len, uncompressed));
      }
      default -> throw new FormatException("xorb", at, "unknown compression scheme " + scheme);
    }
  }

  private static boolean startsWith(byte[] body, int at, int len, byte[] prefix) {
    if (len - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int u24(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16;
  }

  private static void putU24(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
  }
}
