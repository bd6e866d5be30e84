package org.arbor.server.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range} header (RFC 9110 §14.1): {@code bytes=a-b}, {@code bytes=a-}
 * or {@code bytes=-n}. Headers this does not understand (several ranges, other units) are ignored
 * and the whole file is served, which the RFC allows.
 */
record ByteRange(long first, long last) {
  private static final Pattern SINGLE = Pattern.compile("bytes=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");

  long length() {
    return last - first + 1;
  }

  /** The outcome of reading a Range header against a file of {@code size} bytes. */
  sealed interface Parsed {}

  /** No usable Range header: serve everything with 200. */
  record Whole() implements Parsed {}

  /** Serve this part with 206. */
  record Part(ByteRange range) implements Parsed {}

  /** A range that lies outside the file: 416. */
  record Unsatisfiable() implements Parsed {}

  static Parsed parse(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    Matcher m = SINGLE.matcher(header);
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return new Whole();
    }
    Optional<Long> a = number(m.group(1));
    Optional<Long> b = number(m.group(2));
    if ((!m.group(1).isEmpty() && a.isEmpty()) || (!m.group(2).isEmpty() && b.isEmpty())) {
      return new Whole(); // absurd numbers: ignore the header
    }
    if (a.isEmpty()) { // suffix: the last n bytes
      long n = b.get();
      if (n == 0 || size == 0) {
        return new Unsatisfiable();
      }
      return new Part(new ByteRange(Math.max(0, size - n), size - 1));
    }
    long first = a.get();
    if (b.isPresent() && b.get() < first) {
      return new Whole(); // syntactically invalid: ignore
    }
    if (first >= size) {
      return new Unsatisfiable();
    }
    long last = b.map(v -> Math.min(v, size - 1)).orElse(size - 1);
    return new Part(new ByteRange(first, last));
  }

  private static Optional<Long> number(String digits) {
    if (digits.isEmpty() || digits.length() > 18) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(digits));
  }
}
