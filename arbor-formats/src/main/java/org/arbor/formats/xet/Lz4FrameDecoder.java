package org.arbor.formats.xet;

import java.util.Objects;
import org.arbor.formats.FormatException;

/**
 * Decodes one LZ4 frame, the compression Xet uses for xorb chunks, without a native or third-party
 * library. Every length and offset read from the input is checked, so hostile bytes end in a
 * {@link FormatException}, never in an out-of-bounds access, a huge allocation or an endless loop.
 * Independent and linked blocks both work: all blocks decode into one output array, so a match in
 * a linked block may reach back into earlier blocks. Checksums are skipped, not verified.
 */
final class Lz4FrameDecoder {
  private static final String NAME = "lz4 frame";
  private static final int MAGIC = 0x184D2204;
  private static final int MIN_MATCH = 4;

  private final byte[] in;
  private final int start;
  private final int end;
  private final byte[] out;
  private boolean independent;
  private int pos;
  private int written;

  private Lz4FrameDecoder(byte[] in, int off, int len, int expectedSize) {
    this.in = in;
    this.start = off;
    this.end = off + len;
    this.pos = off;
    this.out = new byte[expectedSize];
  }

  /**
   * Decodes the frame in {@code in[off, off + len)}, which must hold exactly one frame and decode
   * to exactly {@code expectedSize} bytes.
   *
   * @throws FormatException if the frame is malformed, truncated, followed by extra bytes, uses a
   *     dictionary, or does not decode to {@code expectedSize} bytes
   */
  static byte[] decode(byte[] in, int off, int len, int expectedSize) throws FormatException {
    Objects.checkFromIndexSize(off, len, in.length);
    if (expectedSize < 0) {
      throw new FormatException(NAME, "negative expected size " + expectedSize);
    }
    Lz4FrameDecoder decoder = new Lz4FrameDecoder(in, off, len, expectedSize);
    decoder.frame();
    return decoder.out;
  }

  private void frame() throws FormatException {
    int magic = u32("magic number");
    if (magic != MAGIC) {
      throw errorAt(start, String.format("bad magic number 0x%08X, expected 0x%08X", magic, MAGIC));
    }
    int flg = u8("FLG byte");
    if ((flg >>> 6) != 1) {
      throw errorAt(start + 4, "unsupported frame version " + (flg >>> 6) + ", expected 1");
    }
    if ((flg & 0x02) != 0) {
      throw errorAt(start + 4, "reserved FLG bit 1 is set");
    }
    if ((flg & 0x01) != 0) {
      throw errorAt(start + 4, "frame needs a dictionary (dict id flag set); not supported");
    }
    independent = (flg & 0x20) != 0;
    boolean blockChecksum = (flg & 0x10) != 0;
    boolean contentSizePresent = (flg & 0x08) != 0;
    boolean contentChecksum = (flg & 0x04) != 0;
    int maxBlockSize = maxBlockSize(u8("BD byte"));
    if (contentSizePresent) {
      long contentSize = u32("content size") & 0xFFFFFFFFL;
      contentSize |= (u32("content size") & 0xFFFFFFFFL) << 32;
      if (contentSize != out.length) {
        throw errorAt(start + 6, "declared content size " + Long.toUnsignedString(contentSize)
            + " differs from the expected " + out.length);
      }
    }
    u8("header checksum");
    while (true) {
      int at = pos;
      int word = u32("block size");
      if (word == 0) {
        break;
      }
      boolean stored = word < 0;
      int size = word & 0x7FFFFFFF;
      if (size > maxBlockSize) {
        throw errorAt(at, "block size " + size + " exceeds the frame's maximum " + maxBlockSize);
      }
      if (size > end - pos) {
        throw errorAt(at, "block of " + size + " bytes runs past the end of the input");
      }
      if (stored) {
        storedBlock(size);
      } else {
        compressedBlock(pos + size, independent ? written : 0);
      }
      if (blockChecksum) {
        skip(4, "block checksum");
      }
    }
    if (contentChecksum) {
      skip(4, "content checksum");
    }
    if (pos != end) {
      throw errorAt(pos, (end - pos) + " bytes follow the end of the frame");
    }
    if (written != out.length) {
      throw new FormatException(NAME, "decoded " + written + " bytes, expected " + out.length);
    }
  }

  private int maxBlockSize(int bd) throws FormatException {
    int id = (bd >>> 4) & 0x7;
    if ((bd & 0x8F) != 0 || id < 4) {
      throw errorAt(start + 5, String.format("invalid BD byte 0x%02X", bd));
    }
    return 1 << (8 + 2 * id);
  }

  private void storedBlock(int size) throws FormatException {
    if (size > out.length - written) {
      throw outputOverflow(pos, written + (long) size);
    }
    System.arraycopy(in, pos, out, written, size);
    pos += size;
    written += size;
  }

  /**
   * Decodes the LZ4 block in {@code in[pos, blockEnd)}; matches may reach back to {@code window},
   * the first output byte the block is allowed to see.
   */
  private void compressedBlock(int blockEnd, int window) throws FormatException {
    while (true) {
      int token = blockU8(blockEnd, "sequence token");
      int literals = length(token >>> 4, blockEnd, "literal length");
      if (literals > blockEnd - pos) {
        throw errorAt(pos, literals + " literals run past the end of the block");
      }
      if (literals > out.length - written) {
        throw outputOverflow(pos, (long) written + literals);
      }
      System.arraycopy(in, pos, out, written, literals);
      pos += literals;
      written += literals;
      if (pos == blockEnd) {
        return; // the last sequence of a block has literals only
      }
      int at = pos;
      int offset = blockU8(blockEnd, "match offset") | blockU8(blockEnd, "match offset") << 8;
      if (offset == 0) {
        throw errorAt(at, "match offset 0");
      }
      if (offset > written - window) {
        throw errorAt(at, "match offset " + offset + " reaches before the start of the "
            + (independent ? "independent block" : "output") + " (" + (written - window)
            + " bytes available)");
      }
      long match = length(token & 0x0F, blockEnd, "match length") + (long) MIN_MATCH;
      if (match > out.length - written) {
        throw outputOverflow(at, written + match);
      }
      copyMatch(offset, (int) match);
    }
  }

  /** Copies {@code length} bytes from {@code offset} back; they may overlap what they write. */
  private void copyMatch(int offset, int length) {
    int from = written - offset;
    if (offset >= length) {
      System.arraycopy(out, from, out, written, length);
    } else {
      for (int i = 0; i < length; i++) {
        out[written + i] = out[from + i];
      }
    }
    written += length;
  }

  /** A 4-bit length from a token, extended by following bytes while they are 255. */
  private int length(int nibble, int blockEnd, String what) throws FormatException {
    long length = nibble;
    if (nibble == 15) {
      int b;
      do {
        b = blockU8(blockEnd, what);
        length += b;
        if (length > out.length) {
          throw errorAt(pos, what + " exceeds the expected output size " + out.length);
        }
      } while (b == 255);
    }
    return (int) length;
  }

  private int blockU8(int blockEnd, String what) throws FormatException {
    if (pos >= blockEnd) {
      throw errorAt(pos, "block ends inside the " + what);
    }
    return in[pos++] & 0xFF;
  }

  private int u8(String what) throws FormatException {
    need(1, what);
    return in[pos++] & 0xFF;
  }

  private int u32(String what) throws FormatException {
    need(4, what);
    int v = (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8 | (in[pos + 2] & 0xFF) << 16
        | (in[pos + 3] & 0xFF) << 24;
    pos += 4;
    return v;
  }

  private void skip(int n, String what) throws FormatException {
    need(n, what);
    pos += n;
  }

  private void need(int n, String what) throws FormatException {
    if (n > end - pos) {
      throw errorAt(pos, "truncated: input ends inside the " + what);
    }
  }

  private FormatException outputOverflow(int at, long size) {
    return errorAt(at, "output would grow to " + size + " bytes, more than the expected "
        + out.length);
  }

  /** An error at {@code position}, an index into the input, reported relative to the frame. */
  private FormatException errorAt(int position, String message) {
    return new FormatException(NAME, position - start, message);
  }
}
