package org.arbor.formats.pickle;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.io.ByteSourceInputStream;
import org.arbor.formats.zip.ZipArchive;
import org.arbor.formats.zip.ZipDataException;

/**
 * Judges a model file by its bytes, never by its name: every reader the bytes could be parsed by
 * is tried, so a polyglot cannot hide one format behind another (a pickle with a zip appended is
 * scanned as a pickle at offset 0 <em>and</em> as a zip found by its end record). Pickles, PyTorch
 * zips (every pickle member), legacy PyTorch files, NumPy object arrays, npz and nested archives
 * (depth ≤ 2) are scanned; safetensors has no code-execution path and is noted; GGUF chat templates,
 * ONNX external data and Keras configs are checked by {@link FormatHazards}.
 */
public final class ModelFileScanner {
  private static final int MAX_DEPTH = 2;
  private static final long MAX_INFLATED_NESTED_ARCHIVE = 64L << 20;
  private static final BigInteger LEGACY_TORCH_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  private static final List<String> PICKLE_EXTENSIONS = List.of(
      ".pkl", ".pickle", ".pt", ".pth", ".bin", ".ckpt", ".joblib", ".dat", ".data", ".dill");

  /** Every byte that starts a pickle opcode. */
  private static final boolean[] OPCODE = new boolean[256];

  static {
    for (char c : "(.012IJKMLFGNSTUVXBC]})ldtaesughjpqrcioRbPQ".toCharArray()) {
      OPCODE[c] = true;
    }
    for (int b = 0x80; b <= 0x98; b++) {
      OPCODE[b] = true;
    }
  }

  private ModelFileScanner() { }

  /** Scans the file {@code name} held by {@code source}. */
  public static ScanReport scan(ByteSource source, String name) throws IOException {
    List<Finding> findings = new ArrayList<>();
    scan(source, name, null, 0, findings);
    return ScanReport.of(findings);
  }

  private static void scan(ByteSource source, String name, String member, int depth, List<Finding> out)
      throws IOException {
    String where = member != null ? member : name;
    long size = source.size();
    if (size == 0) {
      out.add(note(member, "FILE", where + " is empty"));
      return;
    }
    byte[] head = source.read(0, (int) Math.min(size, 512));
    ZipArchive zip = null;
    try {
      zip = ZipArchive.open(source, where);
    } catch (FormatException e) {
      if (startsWith(head, 'P', 'K', 3, 4)) {
        out.add(new Finding(Severity.ERROR, null, "ZIP", e.offset(), member,
            "cannot read the zip archive " + where + ": " + e.getMessage()));
      } else {
        out.add(note(member, "ZIP", "bytes near the end of " + where + " look like a zip end record but are not one ("
            + e.getMessage() + ")"));
      }
    }
    boolean zipAtStart = startsWith(head, 'P', 'K', 3, 4);
    if (zipAtStart && zip == null) {
      out.add(new Finding(Severity.ERROR, null, "ZIP", 0, member,
          where + " starts like a zip but has no central directory, so it cannot be scanned"));
    }
    long leadingEnd = zip != null ? zip.start() : size;
    if (!zipAtStart && leadingEnd > 0) {
      scanLeading(source, leadingEnd, head, name, member, out);
    }
    if (zip != null) {
      if (zip.start() > 0) {
        out.add(note(member, "ZIP", "a zip archive starts at offset " + zip.start() + " of " + where
            + "; the bytes before it were scanned on their own"));
      }
      scanZip(zip, name, member, depth, out);
    }
  }

  /** The bytes before any zip: whatever format they start with. */
  private static void scanLeading(ByteSource source, long end, byte[] head, String name, String member,
      List<Finding> out) throws IOException {
    String where = member != null ? member : name;
    if (startsWith(head, 0x93, 'N', 'U', 'M', 'P', 'Y')) {
      scanNpy(new ByteSourceInputStream(source, 0, end), name, member, out);
    } else if (startsWith(head, 'G', 'G', 'U', 'F')) {
      out.addAll(FormatHazards.gguf(source, where, member)); // chat templates can hold sandbox escapes
    } else if (startsWith(head, 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n')) {
      out.addAll(FormatHazards.h5(source, where, member)); // Keras HDF5: Lambda layers in the config
    } else if (isSafetensors(head, end)) {
      out.add(note(member, "SAFETENSORS", where + " is safetensors: tensors and a JSON header only, no code runs on load"));
    } else if (startsWith(head, 0x1f, 0x8b)) {
      scanGzip(source, end, name, member, out);
    } else if (startsWith(head, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C) || startsWith(head, 0xFD, '7', 'z', 'X', 'Z')
        || startsWith(head, 'B', 'Z', 'h')) {
      out.add(new Finding(Severity.SUSPICIOUS, null, "ARCHIVE", 0, member,
          where + " is a 7z/xz/bz2 archive, which Arbor does not unpack; it may hold pickles"));
    } else if (head.length >= 262 && new String(head, 257, 5, ISO_8859_1).equals("ustar")) {
      LegacyTorchTar.scan(source, end, name, member, out);
    } else if (OPCODE[head[0] & 0xFF]) {
      boolean declared = (head[0] & 0xFF) == 0x80 || hasPickleExtension(where);
      scanPickle(new ByteSourceInputStream(source, 0, end), name, member, !declared, out);
    } else if (where.toLowerCase(Locale.ROOT).endsWith(".onnx") && head[0] == 0x08) {
      out.addAll(FormatHazards.onnx(source, where, member)); // external data may point outside the repo
    } else {
      out.add(note(member, "FILE", where + " is not a format that can run code on load (first byte 0x"
          + String.format("%02x", head[0] & 0xFF) + " starts no pickle)"));
    }
  }

  /**
   * Scans a pickle stream. With {@code sniffed}, the bytes were only guessed to be a pickle: if
   * they fail to parse before any pickle completes and before anything worth reporting, they are
   * noted as "not a pickle" instead of failing the file.
   */
  static void scanPickle(InputStream in, String name, String member, boolean sniffed, List<Finding> out)
      throws IOException {
    String where = member != null ? member : name;
    PickleMachine machine = new PickleMachine(in, name, member, PickleLimits.DEFAULT);
    int completed = 0;
    int maxPickles = Integer.MAX_VALUE;
    Finding error = null;
    try {
      PickleValue v;
      while (completed < maxPickles && (v = machine.next()) != null) {
        if (completed++ == 0 && v instanceof PickleValue.BigInt b && b.value().equals(LEGACY_TORCH_MAGIC)) {
          maxPickles = 5; // magic, protocol, sys_info, object, storage keys; raw storages follow
          out.add(note(member, "LEGACY_TORCH", where + " is a legacy PyTorch checkpoint; its five pickles are scanned"));
        }
      }
    } catch (FormatException | ZipDataException e) {
      long at = e instanceof FormatException f ? f.offset() : machine.offset();
      error = new Finding(Severity.ERROR, null, "PARSE", at, member,
          "cannot read the pickle in " + where + " to the end (" + e.getMessage()
              + "); a loader would run everything before this point");
    }
    List<Finding> found = machine.findings();
    boolean notable = found.stream().anyMatch(f -> f.severity().compareTo(Severity.SUSPICIOUS) >= 0);
    if (sniffed && error != null && completed == 0 && !notable) {
      out.add(note(member, "FILE", where + " is not a pickle (" + error.message() + ")"));
      return;
    }
    out.addAll(found);
    if (error != null) {
      out.add(error);
    }
  }

  private static void scanZip(ZipArchive zip, String name, String member, int depth, List<Finding> out)
      throws IOException {
    String prefix = member != null ? member + "!/" : "";
    for (ZipArchive.Warning w : zip.warnings()) {
      boolean pickleName = w.member().endsWith(".pkl") && w.message().contains("more than once");
      out.add(new Finding(pickleName ? Severity.DANGEROUS : Severity.SUSPICIOUS, null, "ZIP", -1, prefix + w.member(),
          "zip header mismatch in " + prefix + w.member() + ": it " + w.message()));
    }
    boolean torchScript = zip.members().stream().anyMatch(m -> m.name().contains("/code/") || m.name().startsWith("code/"))
        && zip.members().stream().anyMatch(m -> m.name().endsWith("constants.pkl"));
    if (torchScript) {
      out.add(new Finding(Severity.SUSPICIOUS, null, "TORCHSCRIPT", -1, member,
          (member != null ? member : name) + " is a TorchScript archive: its code/ records are programs that run on load"));
    }
    for (ZipArchive.Member m : zip.members()) {
      String where = prefix + m.name();
      if (m.name().endsWith("/")) {
        continue;
      }
      try {
        PushbackInputStream in = new PushbackInputStream(zip.open(m), 8);
        byte[] head = in.readNBytes(8);
        in.unread(head);
        String lower = m.name().toLowerCase(Locale.ROOT);
        if (startsWith(head, 'P', 'K', 3, 4)) {
          if (depth + 1 > MAX_DEPTH) {
            out.add(new Finding(Severity.ERROR, null, "ZIP", -1, where,
                where + " is an archive nested deeper than " + MAX_DEPTH + " levels; it was not scanned"));
          } else if (m.method() == 0) {
            scan(zip.slice(m), name, where, depth + 1, out);
          } else if (m.size() > MAX_INFLATED_NESTED_ARCHIVE) {
            out.add(new Finding(Severity.ERROR, null, "ZIP", -1, where,
                where + " is a compressed nested archive larger than 64 MiB; it was not scanned"));
          } else {
            scan(new ByteArraySource(in.readNBytes((int) m.size())), name, where, depth + 1, out);
          }
        } else if (startsWith(head, 0x93, 'N', 'U', 'M', 'P', 'Y') || lower.endsWith(".npy")) {
          scanNpy(in, name, where, out);
        } else if (lower.equals("config.json") && zip.members().stream().anyMatch(k -> k.name().equals("metadata.json"))) {
          // a Keras 3 .keras archive: its config names the layers and modules loaded
          byte[] config = in.readNBytes(FormatHazards.H5_SEARCH_BYTES);
          out.addAll(FormatHazards.kerasConfig(new String(config, java.nio.charset.StandardCharsets.UTF_8), where, where));
        } else if (hasPickleExtension(lower) && !lower.endsWith(".bin") || lower.endsWith(".pkl")) {
          scanPickle(in, name, where, false, out);
        } else if (head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 0 && head[1] <= 5) {
          scanPickle(in, name, where, true, out); // a pickle under another name (data.txt)
        }
      } catch (ZipDataException e) {
        out.add(new Finding(Severity.ERROR, null, "ZIP", -1, where, "cannot read " + where + ": " + e.getMessage()));
      }
    }
  }

  /** NPY: magic, version, header length, a Python dict literal; an object dtype means a pickle body. */
  private static void scanNpy(InputStream in, String name, String member, List<Finding> out) throws IOException {
    String where = member != null ? member : name;
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || !startsWith(magic, 0x93, 'N', 'U', 'M', 'P', 'Y')) {
      out.add(new Finding(Severity.ERROR, null, "NPY", 0, member, where + " is named .npy but has no NPY magic"));
      return;
    }
    int major = magic[6];
    byte[] len = in.readNBytes(major == 1 ? 2 : 4);
    if ((major < 1 || major > 3) || len.length < (major == 1 ? 2 : 4)) {
      out.add(new Finding(Severity.ERROR, null, "NPY", 6, member, where + ": unsupported or truncated NPY version " + major));
      return;
    }
    long headerLen = (len[0] & 0xFF) | (len[1] & 0xFF) << 8 | (major == 1 ? 0 : ((len[2] & 0xFFL) << 16 | (len[3] & 0xFFL) << 24));
    if (headerLen > 1 << 20) {
      out.add(new Finding(Severity.ERROR, null, "NPY", 8, member, where + ": NPY header of " + headerLen + " bytes is too long"));
      return;
    }
    byte[] header = in.readNBytes((int) headerLen);
    if (header.length < headerLen) {
      out.add(new Finding(Severity.ERROR, null, "NPY", 8, member, where + ": NPY header is truncated"));
      return;
    }
    String h = new String(header, major == 3 ? java.nio.charset.StandardCharsets.UTF_8 : ISO_8859_1);
    int d = h.indexOf("'descr'");
    if (d < 0) {
      out.add(new Finding(Severity.ERROR, null, "NPY", 8, member, where + ": NPY header has no 'descr'"));
      return;
    }
    int stop = h.indexOf("'fortran_order'", d);
    if (stop < 0) {
      stop = h.indexOf("'shape'", d);
    }
    String descr = h.substring(d + 7, stop > d ? stop : h.length());
    if (!objectDtype(descr)) {
      out.add(note(member, "NPY", where + " is a NumPy array of plain numbers: no code runs on load"));
      return;
    }
    out.add(new Finding(Severity.INFO, null, "NPY", 8, member,
        where + " is a NumPy object array: its body is a pickle, scanned below"));
    scanPickle(in, name, member, false, out);
  }

  /** True when any quoted type code in the descr is an object ('O', '|O', 'O8'). */
  private static boolean objectDtype(String descr) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("['\"]([^'\"]*)['\"]").matcher(descr);
    while (m.find()) {
      String code = m.group(1).replaceFirst("^[<>|=]", "");
      if (code.matches("O\\d*")) {
        return true;
      }
    }
    return false;
  }

  private static void scanGzip(ByteSource source, long end, String name, String member, List<Finding> out)
      throws IOException {
    String where = member != null ? member : name;
    long budget = 4 * end + (64L << 20);
    try (InputStream gz = new BoundedStream(new GZIPInputStream(new ByteSourceInputStream(source, 0, end)), budget, where)) {
      PushbackInputStream in = new PushbackInputStream(gz, 1);
      int first = in.read();
      if (first < 0 || !OPCODE[first]) {
        out.add(note(member, "GZIP", where + " is gzip data that does not start a pickle"));
        return;
      }
      in.unread(first);
      out.add(note(member, "GZIP", where + " is gzip-compressed (joblib style); the pickle inside is scanned"));
      scanPickle(in, name, member, first != 0x80, out);
    } catch (ZipDataException | java.util.zip.ZipException | java.io.EOFException e) {
      out.add(new Finding(Severity.ERROR, null, "GZIP", -1, member, "cannot decompress " + where + ": " + e.getMessage()));
    }
  }

  private static boolean isSafetensors(byte[] head, long size) {
    if (head.length < 9 || head[8] != '{') {
      return false;
    }
    long n = 0;
    for (int i = 7; i >= 0; i--) {
      n = n << 8 | (head[i] & 0xFF);
    }
    return n > 1 && n <= size - 8;
  }

  private static boolean hasPickleExtension(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return PICKLE_EXTENSIONS.stream().anyMatch(lower::endsWith);
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != (prefix[i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  static Finding note(String member, String opcode, String message) {
    return new Finding(Severity.INFO, null, opcode, -1, member, message);
  }


  /** Fails with {@link ZipDataException} once more than {@code budget} bytes were read. */
  private static final class BoundedStream extends java.io.FilterInputStream {
    private long left;
    private final String where;

    BoundedStream(InputStream in, long budget, String where) {
      super(in);
      this.left = budget;
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && --left < 0) {
        throw new ZipDataException(where + " expands to more than 4 × its size");
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0 && (left -= n) < 0) {
        throw new ZipDataException(where + " expands to more than 4 × its size");
      }
      return n;
    }
  }
}
