package org.arbor.formats.safetensors;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.HashSet;
import java.util.Set;
import org.arbor.formats.FormatException;

/**
 * A pull reader for the small JSON documents of safetensors headers and index files. It is
 * strict where a tree-building library is lenient: the caller sees every key, so duplicates are
 * caught; integers must be integers; nesting is capped so a hostile header cannot exhaust the
 * stack. It reads bytes that {@link #checkUtf8} has accepted, so offsets in errors are byte
 * offsets in the file.
 */
final class StrictJson {
  static final int MAX_DEPTH = 64;

  enum Kind { OBJECT, ARRAY, STRING, NUMBER, TRUE, FALSE, NULL }

  private final byte[] in;
  private final int end;
  private final long base;
  private final String resource;
  private int pos;
  private int depth;
  /** Per open container: whether a member has been read, so the next one needs a comma. */
  private final boolean[] seenMember = new boolean[MAX_DEPTH + 1];

  /** Reads {@code in[from, to)}; {@code base} is the file offset of {@code in[0]}. */
  StrictJson(byte[] in, int from, int to, long base, String resource) {
    this.in = in;
    this.pos = from;
    this.end = to;
    this.base = base;
    this.resource = resource;
  }

  /** Rejects anything that is not well-formed UTF-8 (overlong forms, surrogates, > U+10FFFF). */
  static void checkUtf8(byte[] b, int from, int to, long base, String resource, String what)
      throws FormatException {
    int i = from;
    while (i < to) {
      int c = b[i] & 0xff;
      int n;
      int min;
      if (c < 0x80) { i++; continue; }
      else if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; c &= 0x1f; }
      else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; c &= 0x0f; }
      else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; c &= 0x07; }
      else { throw new FormatException(resource, base + i, what + " is not valid UTF-8"); }
      if (i + n >= to) {
        throw new FormatException(resource, base + i, what + " is not valid UTF-8 (truncated sequence)");
      }
      for (int k = 1; k <= n; k++) {
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          throw new FormatException(resource, base + i, what + " is not valid UTF-8");
        }
        c = (c << 6) | (cc & 0x3f);
      }
      if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        throw new FormatException(resource, base + i, what + " is not valid UTF-8");
      }
      i += n + 1;
    }
  }

  /** The file offset of the next unread byte. */
  long offset() {
    return base + pos;
  }

  FormatException error(String message) {
    return new FormatException(resource, offset(), message);
  }

  Kind peek() throws FormatException {
    skipWhitespace();
    if (pos >= end) {
      throw error("invalid JSON: unexpected end of header");
    }
    return switch (in[pos]) {
      case '{' -> Kind.OBJECT;
      case '[' -> Kind.ARRAY;
      case '"' -> Kind.STRING;
      case 't' -> Kind.TRUE;
      case 'f' -> Kind.FALSE;
      case 'n' -> Kind.NULL;
      case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> Kind.NUMBER;
      default -> throw error("invalid JSON: unexpected character " + describe(in[pos]));
    };
  }

  void beginObject() throws FormatException {
    open('{', "an object");
  }

  void beginArray() throws FormatException {
    open('[', "an array");
  }

  private void open(char c, String what) throws FormatException {
    skipWhitespace();
    if (pos >= end || in[pos] != c) {
      throw error("invalid JSON: expected " + what + ", got " + (pos >= end ? "end of header" : describe(in[pos])));
    }
    if (depth == MAX_DEPTH) {
      throw error("invalid JSON: nested deeper than " + MAX_DEPTH);
    }
    pos++;
    seenMember[++depth] = false;
  }

  /** True if the open object or array has another member; consumes the separating comma. */
  boolean hasNext() throws FormatException {
    skipWhitespace();
    if (pos >= end) {
      throw error("invalid JSON: unexpected end of header");
    }
    if (in[pos] == '}' || in[pos] == ']') {
      return false;
    }
    if (seenMember[depth]) {
      if (in[pos] != ',') {
        throw error("invalid JSON: expected ',' or a closing bracket, got " + describe(in[pos]));
      }
      pos++;
    }
    seenMember[depth] = true;
    return true;
  }

  /** Reads a member name and its colon. */
  String nextName() throws FormatException {
    String name = nextString();
    skipWhitespace();
    if (pos >= end || in[pos] != ':') {
      throw error("invalid JSON: expected ':' after key \"" + name + "\"");
    }
    pos++;
    return name;
  }

  void endObject() throws FormatException {
    close('}');
  }

  void endArray() throws FormatException {
    close(']');
  }

  private void close(char c) throws FormatException {
    skipWhitespace();
    if (pos >= end || in[pos] != c) {
      throw error("invalid JSON: expected '" + c + "'");
    }
    pos++;
    depth--;
  }

  String nextString() throws FormatException {
    skipWhitespace();
    if (pos >= end || in[pos] != '"') {
      throw error("invalid JSON: expected a string, got " + (pos >= end ? "end of header" : describe(in[pos])));
    }
    pos++;
    StringBuilder sb = new StringBuilder();
    int runStart = pos;
    while (true) {
      if (pos >= end) {
        throw error("invalid JSON: unterminated string");
      }
      byte b = in[pos];
      if (b == '"') {
        sb.append(new String(in, runStart, pos - runStart, UTF_8));
        pos++;
        return sb.toString();
      }
      if (b >= 0 && b < 0x20) {
        throw error("invalid JSON: control character in string");
      }
      if (b != '\\') {
        pos++;
        continue;
      }
      sb.append(new String(in, runStart, pos - runStart, UTF_8));
      pos++;
      if (pos >= end) {
        throw error("invalid JSON: unterminated string");
      }
      char e = (char) in[pos++];
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          char c = hex4();
          if (Character.isHighSurrogate(c)) {
            if (pos + 1 < end && in[pos] == '\\' && in[pos + 1] == 'u') {
              pos += 2;
              char low = hex4();
              if (!Character.isLowSurrogate(low)) {
                throw error("invalid JSON: unpaired surrogate in \\u escape");
              }
              sb.append(c).append(low);
            } else {
              throw error("invalid JSON: unpaired surrogate in \\u escape");
            }
          } else if (Character.isLowSurrogate(c)) {
            throw error("invalid JSON: unpaired surrogate in \\u escape");
          } else {
            sb.append(c);
          }
        }
        default -> throw error("invalid JSON: invalid escape \\" + describe((byte) e));
      }
      runStart = pos;
    }
  }

  private char hex4() throws FormatException {
    if (pos + 4 > end) {
      throw error("invalid JSON: truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(in[pos + i], 16);
      if (d < 0) {
        throw error("invalid JSON: invalid \\u escape");
      }
      v = v * 16 + d;
    }
    pos += 4;
    return (char) v;
  }

  /** Reads a JSON number that must be an integer within the range of a long. */
  long nextLong() throws FormatException {
    skipWhitespace();
    long at = offset();
    String token = numberToken();
    if (token.contains(".") || token.contains("e") || token.contains("E")) {
      throw new FormatException(resource, at, "expected an integer, got " + token);
    }
    try {
      return Long.parseLong(token);
    } catch (NumberFormatException e) {
      throw new FormatException(resource, at, "integer out of range: " + token);
    }
  }

  /** Scans a number by the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private String numberToken() throws FormatException {
    int start = pos;
    if (pos < end && in[pos] == '-') {
      pos++;
    }
    if (pos < end && in[pos] == '0') {
      pos++;
    } else if (digits() == 0) {
      throw error("invalid JSON: expected a number");
    }
    if (pos < end && in[pos] == '.') {
      pos++;
      if (digits() == 0) {
        throw error("invalid JSON: expected digits after '.'");
      }
    }
    if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
      pos++;
      if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
        pos++;
      }
      if (digits() == 0) {
        throw error("invalid JSON: expected digits in exponent");
      }
    }
    if (pos - start > 1000) {
      throw error("invalid JSON: number too long");
    }
    return new String(in, start, pos - start, UTF_8);
  }

  private int digits() {
    int start = pos;
    while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
    return pos - start;
  }

  /** Skips one value of any kind, still rejecting duplicate keys and malformed JSON inside it. */
  void skipValue() throws FormatException {
    switch (peek()) {
      case OBJECT -> {
        beginObject();
        Set<String> keys = new HashSet<>();
        while (hasNext()) {
          long at = offset();
          String key = nextName();
          if (!keys.add(key)) {
            throw new FormatException(resource, at, "duplicate key \"" + key + "\"");
          }
          skipValue();
        }
        endObject();
      }
      case ARRAY -> {
        beginArray();
        while (hasNext()) {
          skipValue();
        }
        endArray();
      }
      case STRING -> nextString();
      case NUMBER -> numberToken();
      case TRUE -> literal("true");
      case FALSE -> literal("false");
      case NULL -> literal("null");
    }
  }

  private void literal(String word) throws FormatException {
    for (int i = 0; i < word.length(); i++) {
      if (pos + i >= end || in[pos + i] != word.charAt(i)) {
        throw error("invalid JSON: expected " + word);
      }
    }
    pos += word.length();
  }

  /** Only JSON whitespace may follow the document. */
  void endDocument() throws FormatException {
    skipWhitespace();
    if (pos < end) {
      throw error("invalid JSON: trailing characters after the header object, starting with " + describe(in[pos]));
    }
  }

  private void skipWhitespace() {
    while (pos < end && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
      pos++;
    }
  }

  static String describe(byte b) {
    int c = b & 0xff;
    return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
  }
}
