package org.arbor.formats.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;

/**
 * Reads the protobuf wire format from an untrusted {@link ByteSource} through a small window, so a
 * 2 GB message costs the bytes of its field headers and small fields, never its payloads:
 *
 * <pre>
 *   field    := tag value
 *   tag      := varint (field_number &lt;&lt; 3 | wire_type), field_number &gt;= 1
 *   wire 0   := varint, at most 10 bytes
 *   wire 1   := 8 bytes little-endian
 *   wire 2   := varint length, then that many bytes (a string, bytes, packed scalars or a message)
 *   wire 5   := 4 bytes little-endian
 *   wire 3/4 := groups (deprecated): refused
 * </pre>
 *
 * Every length is checked against the bytes left in the enclosing message before it is used;
 * nested messages are bounded by {@link #MAX_DEPTH}, like protobuf-java's recursion limit.
 */
final class ProtoInput {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  /** protobuf-java's default recursion limit. */
  static final int MAX_DEPTH = 100;

  private static final int WINDOW = 8192;

  private final ByteSource source;
  private final String resource;
  private final long size;

  private byte[] window = new byte[0];
  private long windowStart;
  private long pos;
  private long limit;
  private int depth;
  /** Where the last tag started, for errors about its wire type. */
  private long tagAt = -1;

  ProtoInput(ByteSource source, String resource) throws IOException {
    this.source = source;
    this.resource = resource;
    this.size = source.size();
    this.limit = size;
  }

  String resource() {
    return resource;
  }

  long position() {
    return pos;
  }

  boolean hasMore() {
    return pos < limit;
  }

  FormatException error(long at, String message) {
    return new FormatException(resource, at, message);
  }

  /** Reads a tag; refuses field number 0, groups and the undefined wire types 6 and 7. */
  int readTag() throws IOException, FormatException {
    long at = pos;
    tagAt = pos;
    long tag = readVarint("field tag");
    if (tag < 0 || tag > 0xFFFF_FFFFL) {
      throw error(at, "field tag " + Long.toUnsignedString(tag) + " does not fit in 32 bits");
    }
    int wireType = (int) (tag & 7);
    if (tag >>> 3 == 0) {
      throw error(at, "field number 0 is not allowed");
    }
    if (wireType == 3 || wireType == 4) {
      throw error(at, "field " + (tag >>> 3) + ": group wire type " + wireType + " is not supported");
    }
    if (wireType > 5) {
      throw error(at, "field " + (tag >>> 3) + ": invalid wire type " + wireType);
    }
    return (int) tag;
  }

  static int fieldNumber(int tag) {
    return tag >>> 3;
  }

  static int wireType(int tag) {
    return tag & 7;
  }

  /** Fails unless {@code tag} has the wire type the schema gives {@code what}. */
  void expect(int tag, int wireType, String what) throws FormatException {
    if (wireType(tag) != wireType) {
      throw error(tagAt, what + ": wire type " + wireType(tag) + ", expected " + wireType);
    }
  }

  /** A base-128 varint of at most 10 bytes whose value fits in 64 bits. */
  long readVarint(String what) throws IOException, FormatException {
    long at = pos;
    long value = 0;
    for (int i = 0; i < 10; i++) {
      if (pos >= limit) {
        throw error(at, what + ": truncated varint");
      }
      int b = byteAt(pos++);
      if (i == 9 && (b & 0xFE) != 0) {
        throw error(at, what + ": varint longer than 64 bits");
      }
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw error(at, what + ": varint longer than 10 bytes");
  }

  long readFixed64(String what) throws IOException, FormatException {
    byte[] b = readBytes(8, what);
    return ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
  }

  int readFixed32(String what) throws IOException, FormatException {
    byte[] b = readBytes(4, what);
    return ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /** A varint length, checked against the bytes left in the enclosing message. */
  long readLength(String what) throws IOException, FormatException {
    long at = pos;
    long length = readVarint(what + " length");
    if (length < 0 || length > limit - pos) {
      throw error(at, what + ": length " + Long.toUnsignedString(length) + " exceeds the " + (limit - pos)
          + " bytes left");
    }
    return length;
  }

  /** A length-delimited UTF-8 string of at most {@code cap} bytes; malformed UTF-8 is an error. */
  String readString(int tag, String what, int cap) throws IOException, FormatException {
    expect(tag, LEN, what);
    long at = pos;
    long length = readLength(what);
    if (length > cap) {
      throw error(at, what + ": " + length + " bytes, more than the " + cap + "-byte cap");
    }
    byte[] bytes = readBytes((int) length, what);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw error(at, what + ": not valid UTF-8");
    }
  }

  /** Reads a wire-type-0 field as an int64. */
  long readInt64(int tag, String what) throws IOException, FormatException {
    expect(tag, VARINT, what);
    return readVarint(what);
  }

  /** Reads a wire-type-0 field as an int32 (protobuf truncates to the low 32 bits). */
  int readInt32(int tag, String what) throws IOException, FormatException {
    return (int) readInt64(tag, what);
  }

  /**
   * Enters a length-delimited sub-message: reads its length and narrows the limit to it. Returns
   * the enclosing limit, which {@link #exit(long)} restores.
   */
  long enter(int tag, String what) throws IOException, FormatException {
    expect(tag, LEN, what);
    long at = pos;
    long length = readLength(what);
    if (depth >= MAX_DEPTH) {
      throw error(at, what + ": messages nested more than " + MAX_DEPTH + " deep");
    }
    depth++;
    long outer = limit;
    limit = pos + length;
    return outer;
  }

  /** Leaves a sub-message entered with {@link #enter}, skipping whatever of it was not read. */
  void exit(long outerLimit) {
    pos = limit;
    limit = outerLimit;
    depth--;
  }

  /** Skips a length-delimited field's payload without reading it; returns the payload length. */
  long skipBytes(int tag, String what) throws IOException, FormatException {
    expect(tag, LEN, what);
    long length = readLength(what);
    pos += length;
    return length;
  }

  /** Skips one field of any wire type (tag already read). */
  void skipField(int tag) throws IOException, FormatException {
    String what = "field " + fieldNumber(tag);
    switch (wireType(tag)) {
      case VARINT -> readVarint(what);
      case FIXED64 -> skip(8, what);
      case LEN -> {
        long length = readLength(what);
        pos += length;
      }
      case FIXED32 -> skip(4, what);
      default -> throw error(tagAt, what + ": unexpected wire type " + wireType(tag));
    }
  }

  /**
   * Counts the varints in a packed payload of {@code length} bytes without keeping them; the
   * payload must end on a varint boundary.
   */
  long countPackedVarints(long length, String what) throws IOException, FormatException {
    long at = pos;
    long end = pos + length;
    long count = 0;
    boolean inVarint = false;
    int run = 0;
    while (pos < end) {
      int b = byteAt(pos++);
      run++;
      if (run > 10) {
        throw error(pos - run, what + ": varint longer than 10 bytes");
      }
      inVarint = (b & 0x80) != 0;
      if (!inVarint) {
        count++;
        run = 0;
      }
    }
    if (inVarint) {
      throw error(at, what + ": packed varints end mid-varint");
    }
    return count;
  }

  private void skip(long n, String what) throws FormatException {
    if (n > limit - pos) {
      throw error(pos, what + ": needs " + n + " bytes, " + (limit - pos) + " left");
    }
    pos += n;
  }

  private byte[] readBytes(int n, String what) throws IOException, FormatException {
    if (n > limit - pos) {
      throw error(pos, what + ": needs " + n + " bytes, " + (limit - pos) + " left");
    }
    byte[] out = new byte[n];
    int copied = 0;
    while (copied < n) {
      fill(pos);
      int offset = (int) (pos - windowStart);
      int chunk = Math.min(n - copied, window.length - offset);
      System.arraycopy(window, offset, out, copied, chunk);
      copied += chunk;
      pos += chunk;
    }
    return out;
  }

  private int byteAt(long at) throws IOException {
    fill(at);
    return window[(int) (at - windowStart)] & 0xFF;
  }

  /** Makes the window cover {@code at}, which callers have checked is below the limit. */
  private void fill(long at) throws IOException {
    if (at >= windowStart && at < windowStart + window.length) {
      return;
    }
    int n = (int) Math.min(WINDOW, size - at);
    window = source.read(at, n);
    windowStart = at;
  }
}
