package org.arbor.formats.xet;

import java.util.ArrayList;
import java.util.List;

/**
 * Xet's content-defined chunking, as xet-core cuts (since Sep 2025): a gear rolling hash over the
 * bytes; a chunk ends where the hash's top 16 bits are zero, but never before 8 KiB and always at
 * 128 KiB, so an edit moves only the boundaries near it. Fed in pieces of any size; the
 * boundaries do not depend on how the input is split.
 */
public final class GearChunker {
  public static final int TARGET_CHUNK_SIZE = 65_536;
  public static final int MIN_CHUNK_SIZE = TARGET_CHUNK_SIZE / 8;
  public static final int MAX_CHUNK_SIZE = TARGET_CHUNK_SIZE * 2;
  private static final long MASK = 0xFFFF_0000_0000_0000L;

  private long hash;
  private long chunkLength;
  private long consumed;

  /**
   * Consumes {@code len} bytes and returns the chunk ends found in them, as offsets into the whole
   * input fed so far (exclusive ends).
   */
  public List<Long> feed(byte[] data, int off, int len) {
    List<Long> ends = new ArrayList<>();
    long[] table = GearTable.VALUES;
    for (int i = off; i < off + len; i++) {
      hash = (hash << 1) + table[data[i] & 0xff];
      chunkLength++;
      if (chunkLength >= MIN_CHUNK_SIZE && (chunkLength >= MAX_CHUNK_SIZE || (hash & MASK) == 0)) {
        ends.add(consumed + (i - off) + 1);
        chunkLength = 0;
        hash = 0;
      }
    }
    consumed += len;
    return ends;
  }

  /** The end of the last chunk, once the input is over (empty if the input ended on a boundary or was empty). */
  public List<Long> finish() {
    return chunkLength > 0 ? List.of(consumed) : List.of();
  }

  /** The chunk ends of a whole buffer. */
  public static List<Long> boundaries(byte[] data) {
    GearChunker chunker = new GearChunker();
    List<Long> ends = new ArrayList<>(chunker.feed(data, 0, data.length));
    ends.addAll(chunker.finish());
    return ends;
  }
}
