package org.arbor.formats.xet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.arbor.formats.FormatException;

/**
 * A Xet shard: the file-info section (for each file, its terms — ranges of chunks in xorbs — with
 * their verification hashes and the file's SHA-256) and the CAS-info section (for each xorb, its
 * chunks: hash, uncompressed offset and size, flags), in 48-byte records, each section closed by a
 * bookend, then an optional 200-byte footer. Clients upload shards to register files; the hub
 * answers dedup queries with shards it writes. Parsing is sequential and tolerant of a footer
 * (the JS client sends one, hf_xet does not) and of anything after the CAS bookend.
 */
public final class Shard {
  static final byte[] TAG = HexFormat.of().parseHex("48465265706f4d6574614461746100556967456a7b815783a5bdd95ccdd14aa9");
  static final int RECORD = 48;
  static final int FOOTER = 200;
  static final int HAS_VERIFICATION = 0x80000000;
  static final int HAS_METADATA_EXT = 0x40000000;
  /** CAS-entry flag: the chunk may be answered in global dedup queries. */
  public static final int GLOBAL_DEDUP = 0x80000000;

  /** A range of chunks {@code [chunkStart, chunkEnd)} of a xorb, holding {@code bytes} uncompressed bytes of a file. */
  public record Term(XetHash xorb, int bytes, int chunkStart, int chunkEnd) {}

  /** A file: its Xet hash, its terms in order, their verification hashes (empty if absent), its SHA-256 (or null). */
  public record FileInfo(XetHash hash, List<Term> terms, List<XetHash> verification, String sha256) {
    public FileInfo {
      terms = List.copyOf(terms);
      verification = List.copyOf(verification);
    }

    /** Uncompressed bytes of the whole file. */
    public long size() {
      return terms.stream().mapToLong(Term::bytes).sum();
    }
  }

  /** A chunk of a xorb: its hash, its offset among the xorb's uncompressed bytes, its size, its flags. */
  public record ChunkInfo(XetHash hash, int offset, int size, int flags) {}

  /** A xorb and its chunks in order; {@code storedBytes} is the serialised length (clients may send 0). */
  public record XorbInfo(XetHash hash, int flags, int bytes, int storedBytes, List<ChunkInfo> chunks) {
    public XorbInfo {
      chunks = List.copyOf(chunks);
    }
  }

  /** What a footer carries that matters here: the key chunk hashes are keyed with (zeros: none), and times. */
  public record Footer(byte[] hmacKey, long createdSeconds, long expiresSeconds, long storedBytesOnDisk,
      long materializedBytes, long storedBytes) {}

  private final List<FileInfo> files;
  private final List<XorbInfo> xorbs;

  public Shard(List<FileInfo> files, List<XorbInfo> xorbs) {
    this.files = List.copyOf(files);
    this.xorbs = List.copyOf(xorbs);
  }

  public List<FileInfo> files() {
    return files;
  }

  public List<XorbInfo> xorbs() {
    return xorbs;
  }

  /** Parses an uploaded shard; refuses anything malformed with the offset of the fault. */
  public static Shard parse(byte[] body, int len) throws FormatException {
    Reader in = new Reader(body, len);
    byte[] tag = in.bytes(32);
    if (!Arrays.equals(tag, TAG)) {
      throw new FormatException("shard", 0, "not a Xet shard (bad tag)");
    }
    long version = in.u64();
    in.u64();   // footer size: the footer is not needed to read the sections
    if (version != 2) {
      throw new FormatException("shard", 32, "shard version " + version + " (only 2 is known)");
    }
    List<FileInfo> files = new ArrayList<>();
    Boolean verified = null;
    while (true) {
      int at = in.position();
      XetHash hash = in.hash();
      int flags = in.u32();
      int entries = in.u32();
      in.u64();
      if (isBookend(hash)) {
        break;
      }
      if (entries < 0) {
        throw new FormatException("shard", at, "a file with " + Integer.toUnsignedString(entries) + " terms");
      }
      List<Term> terms = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        XetHash xorb = in.hash();
        in.u32();
        int bytes = in.u32();
        int start = in.u32();
        int end = in.u32();
        if (start < 0 || end <= start) {
          throw new FormatException("shard", in.position() - RECORD, "term chunks [" + start + ", " + end + ") are empty or negative");
        }
        terms.add(new Term(xorb, bytes, start, end));
      }
      boolean hasVerification = (flags & HAS_VERIFICATION) != 0;
      if (entries > 0) {
        if (verified != null && verified != hasVerification) {
          throw new FormatException("shard", at, "files with and without verification entries are mixed");
        }
        verified = hasVerification;
      }
      List<XetHash> verification = new ArrayList<>();
      if (hasVerification) {
        for (int i = 0; i < entries; i++) {
          verification.add(in.hash());
          in.bytes(16);
        }
      }
      String sha256 = null;
      if ((flags & HAS_METADATA_EXT) != 0) {
        sha256 = in.hash().toString();
        in.bytes(16);
      }
      files.add(new FileInfo(hash, terms, verification, sha256));
    }
    List<XorbInfo> xorbs = new ArrayList<>();
    while (true) {
      XetHash hash = in.hash();
      int flags = in.u32();
      int entries = in.u32();
      int bytes = in.u32();
      int stored = in.u32();
      if (isBookend(hash)) {
        break;
      }
      if (entries < 0) {
        throw new FormatException("shard", in.position() - RECORD, "a xorb with " + Integer.toUnsignedString(entries)
            + " chunks");
      }
      List<ChunkInfo> chunks = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        XetHash chunk = in.hash();
        int offset = in.u32();
        int size = in.u32();
        int chunkFlags = in.u32();
        in.u32();
        chunks.add(new ChunkInfo(chunk, offset, size, chunkFlags));
      }
      xorbs.add(new XorbInfo(hash, flags, bytes, stored, chunks));
    }
    return new Shard(files, xorbs);
  }

  /** Writes the shard, with a footer if {@code footer} is not null (a dedup answer needs one; an upload does not). */
  public byte[] write(Footer footer) {
    int records = 1 + 1 + 1;   // header, two bookends
    for (FileInfo f : files) {
      records += 1 + f.terms().size() + f.verification().size() + (f.sha256() != null ? 1 : 0);
    }
    for (XorbInfo x : xorbs) {
      records += 1 + x.chunks().size();
    }
    ByteBuffer out = ByteBuffer.allocate(records * RECORD + (footer != null ? FOOTER : 0)).order(ByteOrder.LITTLE_ENDIAN);
    out.put(TAG).putLong(2).putLong(footer != null ? FOOTER : 0);
    for (FileInfo f : files) {
      int flags = (f.verification().isEmpty() ? 0 : HAS_VERIFICATION) | (f.sha256() != null ? HAS_METADATA_EXT : 0);
      putHash(out, f.hash()).putInt(flags).putInt(f.terms().size()).putLong(0);
      for (Term t : f.terms()) {
        putHash(out, t.xorb()).putInt(0).putInt(t.bytes()).putInt(t.chunkStart()).putInt(t.chunkEnd());
      }
      for (XetHash v : f.verification()) {
        putHash(out, v).put(new byte[16]);
      }
      if (f.sha256() != null) {
        putHash(out, XetHash.parse(f.sha256())).put(new byte[16]);
      }
    }
    putBookend(out);
    int casOffset = out.position();
    for (XorbInfo x : xorbs) {
      putHash(out, x.hash()).putInt(x.flags()).putInt(x.chunks().size()).putInt(x.bytes()).putInt(x.storedBytes());
      for (ChunkInfo c : x.chunks()) {
        putHash(out, c.hash()).putInt(c.offset()).putInt(c.size()).putInt(c.flags()).putInt(0);
      }
    }
    putBookend(out);
    if (footer != null) {
      long footerAt = out.position();
      out.putLong(1).putLong(RECORD).putLong(casOffset)
          .putLong(footerAt).putLong(0).putLong(footerAt).putLong(0).putLong(footerAt).putLong(0)
          .put(footer.hmacKey()).putLong(footer.createdSeconds()).putLong(footer.expiresSeconds())
          .put(new byte[48]).putLong(footer.storedBytesOnDisk()).putLong(footer.materializedBytes())
          .putLong(footer.storedBytes()).putLong(footerAt);
    }
    return out.array();
  }

  private static ByteBuffer putHash(ByteBuffer out, XetHash hash) {
    byte[] raw = new byte[32];
    hash.copyTo(raw, 0);
    return out.put(raw);
  }

  private static void putBookend(ByteBuffer out) {
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xff);
    out.put(ones).put(new byte[16]);
  }

  private static boolean isBookend(XetHash hash) {
    for (byte b : hash.raw()) {
      if (b != (byte) 0xff) {
        return false;
      }
    }
    return true;
  }

  /** Little-endian fields in order; running past the end is a format error, never an exception of another kind. */
  private static final class Reader {
    private final ByteBuffer buffer;

    Reader(byte[] body, int len) {
      this.buffer = ByteBuffer.wrap(body, 0, len).order(ByteOrder.LITTLE_ENDIAN);
    }

    int position() {
      return buffer.position();
    }

    byte[] bytes(int n) throws FormatException {
      need(n);
      byte[] out = new byte[n];
      buffer.get(out);
      return out;
    }

    XetHash hash() throws FormatException {
      return XetHash.ofRaw(bytes(32));
    }

    int u32() throws FormatException {
      need(4);
      return buffer.getInt();
    }

    long u64() throws FormatException {
      need(8);
      return buffer.getLong();
    }

    private void need(int n) throws FormatException {
      if (buffer.remaining() < n) {
        throw new FormatException("shard", buffer.position(), "ends inside a record (truncated)");
      }
    }
  }
}
