package org.arbor.formats.npy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;

/**
 * Reads the header of a NumPy {@code .npy} file without evaluating it:
 *
 * <pre>
 *   6 bytes   magic \x93NUMPY
 *   u8, u8    version major, minor: 1.0, 2.0 or 3.0
 *   u16 LE    header length (1.0); u32 LE (2.0, 3.0)
 *   header    Python dict literal, latin-1 (1.0, 2.0) or UTF-8 (3.0), space-padded, '\n'-terminated:
 *             {'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }
 *   rest      array data, or a pickle when descr is an object dtype
 * </pre>
 *
 * The dict must have exactly the keys descr, fortran_order and shape, as {@code numpy.lib.format}
 * requires. Only the literals those keys need are understood: strings, integers, True/False/None,
 * tuples and lists (for structured dtypes).
 */
public final class NpyReader {
  /** Headers larger than this are refused before anything is allocated for them. */
  public static final int MAX_HEADER_SIZE = 1 << 20;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int MAX_DEPTH = 32;

  private NpyReader() {}

  public static NpyHeader read(ByteSource source, String name) throws IOException, FormatException {
    long size = source.size();
    if (size < 10) {
      throw new FormatException(name, 0, "too small for a .npy header: " + size + " bytes");
    }
    byte[] prefix = source.read(0, 8);
    for (int i = 0; i < MAGIC.length; i++) {
      if (prefix[i] != MAGIC[i]) {
        throw new FormatException(name, 0, "not a .npy file: missing magic \\x93NUMPY");
      }
    }
    int major = prefix[6] & 0xff;
    int minor = prefix[7] & 0xff;
    if (major < 1 || major > 3 || minor != 0) {
      throw new FormatException(name, 6, "unsupported .npy version " + major + "." + minor);
    }
    int lengthBytes = major == 1 ? 2 : 4;
    if (size < 8 + lengthBytes) {
      throw new FormatException(name, 8, "truncated header length");
    }
    byte[] len = source.read(8, lengthBytes);
    long headerLength = 0;
    for (int i = lengthBytes - 1; i >= 0; i--) {
      headerLength = (headerLength << 8) | (len[i] & 0xff);
    }
    long headerStart = 8 + lengthBytes;
    if (headerLength > MAX_HEADER_SIZE) {
      throw new FormatException(name, 8, "header too large: " + headerLength + " > " + MAX_HEADER_SIZE);
    }
    if (headerStart + headerLength > size) {
      throw new FormatException(name, 8,
          "invalid header length: " + headerStart + " + " + headerLength + " > file size " + size);
    }
    byte[] raw = source.read(headerStart, (int) headerLength);
    String text;
    if (major == 3) {
      try {
        text = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
      } catch (CharacterCodingException e) {
        throw new FormatException(name, headerStart, "header is not valid UTF-8");
      }
    } else {
      text = new String(raw, ISO_8859_1);
    }
    return new Parser(text, name, headerStart).header(headerStart + headerLength);
  }

  /** A recursive-descent reader of the Python literal subset in .npy headers. */
  private static final class Parser {
    private final String s;
    private final String name;
    private final long base;
    private int pos;
    private int depth;

    Parser(String s, String name, long base) {
      this.s = s;
      this.name = name;
      this.base = base;
    }

    NpyHeader header(long dataOffset) throws FormatException {
      skipSpace();
      expect('{');
      String descr = null;
      Boolean fortran = null;
      List<Long> shape = null;
      Set<String> keys = new HashSet<>();
      while (true) {
        skipSpace();
        if (peek() == '}') {
          break;
        }
        int at = pos;
        String key = string();
        if (!keys.add(key)) {
          throw error(at, "duplicate key '" + key + "'");
        }
        skipSpace();
        expect(':');
        skipSpace();
        switch (key) {
          case "descr" -> descr = descr();
          case "fortran_order" -> fortran = bool();
          case "shape" -> shape = shape();
          default -> throw error(at, "unexpected key '" + key + "'; expected descr, fortran_order, shape");
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw error(pos, "expected ',' or '}'");
        }
      }
      pos++;
      skipSpace();
      if (pos != s.length()) {
        throw error(pos, "unexpected characters after the header dict");
      }
      if (descr == null || fortran == null || shape == null) {
        String missing = descr == null ? "descr" : fortran == null ? "fortran_order" : "shape";
        throw error(0, "header is missing '" + missing + "'");
      }
      return new NpyHeader(descr, fortran, shape, dataOffset);
    }

    /** A dtype string, or a structured dtype list, kept as written. */
    private String descr() throws FormatException {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '[') {
        int start = pos;
        skipLiteral();
        return s.substring(start, pos);
      }
      throw error(pos, "descr must be a string or a list");
    }

    private boolean bool() throws FormatException {
      if (s.startsWith("True", pos)) {
        pos += 4;
        return true;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return false;
      }
      throw error(pos, "fortran_order must be True or False");
    }

    private List<Long> shape() throws FormatException {
      if (peek() != '(') {
        throw error(pos, "shape must be a tuple of non-negative integers");
      }
      pos++;
      List<Long> dims = new ArrayList<>();
      boolean comma = true;
      while (true) {
        skipSpace();
        if (peek() == ')') {
          if (dims.size() == 1 && !comma) {
            // (3) is an int in Python, not a tuple; numpy always writes (3,)
            throw error(pos, "shape must be a tuple, got (" + dims.get(0) + ")");
          }
          pos++;
          break;
        }
        if (!comma) {
          throw error(pos, "expected ',' or ')' in shape");
        }
        dims.add(natural());
        skipSpace();
        comma = peek() == ',';
        if (comma) {
          pos++;
        }
      }
      long n = 1;
      for (long d : dims) {
        try {
          n = Math.multiplyExact(n, d);
        } catch (ArithmeticException e) {
          throw error(0, "shape " + dims + " overflows");
        }
      }
      return dims;
    }

    private long natural() throws FormatException {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == start) {
        throw error(pos, "shape must contain non-negative integers");
      }
      String digits = s.substring(start, pos);
      if (pos < s.length() && s.charAt(pos) == 'L') {
        pos++; // Python 2 long, written by old numpy
      }
      if (digits.length() > 1 && digits.charAt(0) == '0') {
        throw error(start, "invalid integer " + digits);
      }
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw error(start, "integer out of range: " + digits);
      }
    }

    private String string() throws FormatException {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw error(pos, "expected a string");
      }
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error(pos, "unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == quote) {
          return sb.toString();
        }
        if (c == '\n') {
          throw error(pos - 1, "newline in string");
        }
        if (c == '\\') {
          if (pos >= s.length()) {
            throw error(pos, "unterminated string");
          }
          char e = s.charAt(pos++);
          if (e != '\\' && e != '\'' && e != '"') {
            throw error(pos - 2, "unsupported escape \\" + e);
          }
          sb.append(e);
        } else {
          sb.append(c);
        }
      }
    }

    /** Skips a string, integer, True/False/None, tuple or list. */
    private void skipLiteral() throws FormatException {
      char c = peek();
      if (c == '\'' || c == '"') {
        string();
      } else if (c >= '0' && c <= '9') {
        natural();
      } else if (c == '-') {
        pos++;
        natural();
      } else if (s.startsWith("True", pos) || s.startsWith("None", pos)) {
        pos += 4;
      } else if (s.startsWith("False", pos)) {
        pos += 5;
      } else if (c == '(' || c == '[') {
        char close = c == '(' ? ')' : ']';
        if (++depth > MAX_DEPTH) {
          throw error(pos, "nested deeper than " + MAX_DEPTH);
        }
        pos++;
        while (true) {
          skipSpace();
          if (peek() == close) {
            pos++;
            break;
          }
          skipLiteral();
          skipSpace();
          if (peek() == ',') {
            pos++;
          } else if (peek() != close) {
            throw error(pos, "expected ',' or '" + close + "'");
          }
        }
        depth--;
      } else {
        throw error(pos, "unsupported literal");
      }
    }

    private void expect(char c) throws FormatException {
      if (peek() != c) {
        throw error(pos, "expected '" + c + "'");
      }
      pos++;
    }

    private char peek() throws FormatException {
      if (pos >= s.length()) {
        throw error(pos, "unexpected end of header");
      }
      return s.charAt(pos);
    }

    private void skipSpace() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t'
          || s.charAt(pos) == '\r')) {
        pos++;
      }
    }

    /** Offsets are character indexes, which equal byte offsets except in UTF-8 (3.0) headers. */
    private FormatException error(int at, String message) {
      return new FormatException(name, base + at, message);
    }
  }
}
