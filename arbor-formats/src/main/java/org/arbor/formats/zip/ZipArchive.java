package org.arbor.formats.zip;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.io.ByteSourceInputStream;

/**
 * A minimal, relaxed ZIP reader over a {@link ByteSource}, in the spirit of PyTorch's miniz: the
 * central directory is authoritative, flag bits and CRCs are not enforced, ZIP64 is understood,
 * and data prepended to the archive (a pickle with a zip appended) is accounted for the way
 * Python's {@code zipfile} does. Everything the file declares is checked against the file before
 * it is used; differences between local and central headers are reported as {@link #warnings()}.
 */
public final class ZipArchive {
  /** Most entries accepted in one archive. */
  public static final int MAX_ENTRIES = 10_000;
  private static final int MAX_CENTRAL_DIRECTORY = 32 << 20;
  private static final int EOCD = 0x06054b50, ZIP64_LOCATOR = 0x07064b50, ZIP64_EOCD = 0x06064b50;
  private static final int CENTRAL = 0x02014b50, LOCAL = 0x04034b50;

  /**
   * One entry.
   *
   * @param dataOffset absolute offset of the member's (compressed) bytes in the source
   */
  public record Member(String name, int method, int flags, long compressedSize, long size, long dataOffset) {
    public boolean encryptedFlag() {
      return (flags & 1) != 0;
    }
  }

  /** Something odd about the archive that a loader may read differently than we do. */
  public record Warning(String member, String message) { }

  private final ByteSource source;
  private final String resource;
  private final long start;
  private final List<Member> members;
  private final List<Warning> warnings;
  private long expandBudget;

  private ZipArchive(ByteSource source, String resource, long start, List<Member> members, List<Warning> warnings,
      long expandBudget) {
    this.source = source;
    this.resource = resource;
    this.start = start;
    this.members = members;
    this.warnings = warnings;
    this.expandBudget = expandBudget;
  }

  public List<Member> members() {
    return members;
  }

  public List<Warning> warnings() {
    return warnings;
  }

  /** Offset of the first member's local header: bytes before it are not part of the archive. */
  public long start() {
    return start;
  }

  /** True when the source has an end-of-central-directory record (the way zipfile.is_zipfile decides). */
  public static boolean hasEndRecord(ByteSource source) throws IOException {
    return findEnd(source) >= 0;
  }

  /**
   * Reads the central directory.
   *
   * @return the archive, or null when there is no end-of-central-directory record
   * @throws FormatException when the directory is malformed or exceeds the limits
   */
  public static ZipArchive open(ByteSource source, String resource) throws IOException, FormatException {
    long size = source.size();
    long eocd = findEnd(source);
    if (eocd < 0) {
      return null;
    }
    byte[] e = source.read(eocd, 22);
    long entries = u16(e, 10);
    long cdSize = u32(e, 12);
    long cdOffset = u32(e, 16);
    long cdEnd = eocd;
    boolean marked = entries == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL;
    // Writers such as PyTorch's (miniz) add ZIP64 records even when no field overflows; the central
    // directory then ends where the ZIP64 end record starts, not at the classic end record.
    boolean located = eocd >= 20 && u32(source.read(eocd - 20, 4), 0) == ZIP64_LOCATOR;
    if (marked || located) {
      if (!located) {
        throw new FormatException(resource, eocd, "ZIP64 sizes without a ZIP64 locator");
      }
      long z = eocd - 20 - 56;
      if (z < 0 || u32(source.read(z, 4), 0) != ZIP64_EOCD) {
        z = s64(source.read(eocd - 20 + 8, 8), 0);
        if (z < 0 || z > eocd - 56 || u32(source.read(z, 4), 0) != ZIP64_EOCD) {
          throw new FormatException(resource, eocd - 20, "ZIP64 end record not found");
        }
      }
      byte[] z64 = source.read(z, 56);
      entries = s64(z64, 32);
      cdSize = s64(z64, 40);
      cdOffset = s64(z64, 48);
      cdEnd = z;
    }
    if (entries < 0 || entries > MAX_ENTRIES) {
      throw new FormatException(resource, eocd, "archive declares " + Long.toUnsignedString(entries)
          + " entries; at most " + MAX_ENTRIES + " are accepted");
    }
    if (cdSize < 0 || cdSize > cdEnd || cdSize > MAX_CENTRAL_DIRECTORY || cdOffset < 0) {
      throw new FormatException(resource, eocd, "central directory of " + cdSize + " bytes does not fit before "
          + cdEnd);
    }
    long cdStart = cdEnd - cdSize;
    long shift = cdStart - cdOffset; // bytes prepended to the archive
    if (shift < 0) {
      throw new FormatException(resource, eocd, "central directory offset " + cdOffset + " is past its end " + cdStart);
    }
    byte[] cd = source.read(cdStart, (int) cdSize);
    List<Member> members = new ArrayList<>();
    List<Warning> warnings = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    long first = cdStart;
    long compressedTotal = 0;
    int p = 0;
    for (long i = 0; i < entries; i++) {
      if (p + 46 > cd.length || u32(cd, p) != CENTRAL) {
        throw new FormatException(resource, cdStart + p, "central directory entry " + i + " is malformed");
      }
      int flags = u16(cd, p + 8);
      int method = u16(cd, p + 10);
      long csize = u32(cd, p + 20);
      long usize = u32(cd, p + 24);
      int nameLen = u16(cd, p + 28), extraLen = u16(cd, p + 30), commentLen = u16(cd, p + 32);
      long lho = u32(cd, p + 42);
      int next = p + 46 + nameLen + extraLen + commentLen;
      if (next > cd.length) {
        throw new FormatException(resource, cdStart + p, "central directory entry " + i + " runs past the directory");
      }
      String name = new String(cd, p + 46, nameLen, (flags & 0x800) != 0 ? UTF_8 : ISO_8859_1);
      // ZIP64 extra field: the 0xFFFFFFFF fields, in order usize, csize, offset
      for (int x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen; ) {
        int id = u16(cd, x), len = u16(cd, x + 2);
        int y = x + 4;
        if (y + len > p + 46 + nameLen + extraLen) {
          break;
        }
        if (id == 1) {
          if (usize == 0xFFFFFFFFL && y + 8 <= x + 4 + len) {
            usize = s64(cd, y);
            y += 8;
          }
          if (csize == 0xFFFFFFFFL && y + 8 <= x + 4 + len) {
            csize = s64(cd, y);
            y += 8;
          }
          if (lho == 0xFFFFFFFFL && y + 8 <= x + 4 + len) {
            lho = s64(cd, y);
          }
        }
        x += 4 + len;
      }
      long local = lho + shift;
      if (lho < 0 || csize < 0 || usize < 0 || local + 30 > cdStart) {
        throw new FormatException(resource, cdStart + p, name + ": local header offset " + lho + " is outside the archive");
      }
      byte[] lh = source.read(local, 30);
      if (u32(lh, 0) != LOCAL) {
        throw new FormatException(resource, local, name + ": no local header where the central directory points");
      }
      int lNameLen = u16(lh, 26), lExtraLen = u16(lh, 28);
      long data = local + 30 + lNameLen + lExtraLen;
      if (data + csize > cdStart || data + csize < data) {
        throw new FormatException(resource, local, name + ": " + csize + " bytes of data do not fit before the central directory");
      }
      String localName = new String(source.read(local + 30, lNameLen), (flags & 0x800) != 0 ? UTF_8 : ISO_8859_1);
      if (!localName.equals(name)) {
        warnings.add(new Warning(name, "local header names it '" + localName + "'; loaders may disagree on its name"));
      }
      if (u16(lh, 8) != method) {
        warnings.add(new Warning(name, "local and central headers disagree on the compression method"));
      }
      if ((flags & 1) != 0) {
        warnings.add(new Warning(name, "is flagged as encrypted; PyTorch ignores the flag and reads it anyway"));
      }
      if (method == 0 && csize != usize) {
        warnings.add(new Warning(name, "is stored uncompressed but declares " + csize + " and " + usize + " bytes"));
      }
      Integer prev = seen.put(name, members.size());
      if (prev != null) {
        warnings.add(new Warning(name, "appears more than once; which copy a loader reads is implementation-defined"));
      }
      members.add(new Member(name, method, flags, csize, usize, data));
      first = Math.min(first, local);
      compressedTotal += csize;
      p = next;
    }
    return new ZipArchive(source, resource, members.isEmpty() ? shift : first, List.copyOf(members),
        List.copyOf(warnings), 4 * compressedTotal + (64L << 20));
  }

  /**
   * The member's uncompressed bytes (stored or deflated). Inflation stops with a
   * {@link ZipDataException} at the declared size or when the archive's expansion budget
   * (4 × its compressed size + 64 MiB) is spent.
   */
  public InputStream open(Member m) throws ZipDataException {
    InputStream raw = new ByteSourceInputStream(source, m.dataOffset(), m.compressedSize());
    return switch (m.method()) {
      case 0 -> raw;
      case 8 -> new InflatingStream(raw, m);
      default -> throw new ZipDataException(m.name() + ": compression method " + m.method() + " is not supported");
    };
  }

  /** The source's bytes, for a member stored uncompressed (nested archives are read in place). */
  public ByteSource slice(Member m) {
    return new ByteSource() {
      @Override
      public long size() {
        return m.compressedSize();
      }

      @Override
      public byte[] read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > m.compressedSize()) {
          throw new java.io.EOFException("end of member " + m.name());
        }
        return source.read(m.dataOffset() + offset, length);
      }
    };
  }

  private static long findEnd(ByteSource source) throws IOException {
    long size = source.size();
    if (size < 22) {
      return -1;
    }
    int tail = (int) Math.min(size, 22 + 65535);
    byte[] t = source.read(size - tail, tail);
    for (int i = tail - 22; i >= 0; i--) {
      if (t[i] == 'P' && t[i + 1] == 'K' && t[i + 2] == 5 && t[i + 3] == 6) {
        long cdSize = u32(t, i + 12);
        int comment = u16(t, i + 20);
        long pos = size - tail + i;
        if (pos + 22 + comment <= size && (cdSize <= pos || cdSize == 0xFFFFFFFFL)) {
          return pos;
        }
      }
    }
    return -1;
  }

  static int u16(byte[] b, int o) {
    return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8;
  }

  static long u32(byte[] b, int o) {
    return (u16(b, o) | (long) u16(b, o + 2) << 16) & 0xFFFFFFFFL;
  }

  static long s64(byte[] b, int o) {
    return u32(b, o) | u32(b, o + 4) << 32;
  }


  /** Raw deflate, bounded by the declared size and the archive's expansion budget. */
  private final class InflatingStream extends InputStream {
    private final InputStream raw;
    private final Member member;
    private final Inflater inflater = new Inflater(true);
    private final byte[] input = new byte[1 << 16];
    private long produced;
    private boolean eof;

    InflatingStream(InputStream raw, Member member) {
      this.raw = raw;
      this.member = member;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (eof) {
        return -1;
      }
      try {
        while (true) {
          int n = inflater.inflate(b, off, len);
          if (n > 0) {
            produced += n;
            expandBudget -= n;
            if (produced > member.size()) {
              throw new ZipDataException(member.name() + ": expands beyond its declared size of " + member.size() + " bytes");
            }
            if (expandBudget < 0) {
              throw new ZipDataException(resource + ": archive expands to more than 4 × its compressed size");
            }
            return n;
          }
          if (inflater.finished()) {
            eof = true;
            inflater.end();
            return -1;
          }
          if (inflater.needsDictionary()) {
            throw new ZipDataException(member.name() + ": deflate stream needs a preset dictionary");
          }
          if (inflater.needsInput()) {
            int r = raw.read(input, 0, input.length);
            if (r < 0) {
              throw new ZipDataException(member.name() + ": deflate stream is truncated");
            }
            inflater.setInput(input, 0, r);
          }
        }
      } catch (DataFormatException e) {
        throw new ZipDataException(member.name() + ": corrupt deflate data (" + e.getMessage() + ")");
      }
    }

    @Override
    public void close() {
      inflater.end();
    }
  }
}
