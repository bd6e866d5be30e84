package org.arbor.core;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git-lfs pointer file: what git stores in place of a large file's bytes
 * (git-lfs docs/spec.md). Both directions are here: the exact text a commit writes, and
 * recognition of pointers however they arrived (API commit or git push).
 */
public record LfsPointer(Sha256 oid, long size) {
  /** Pointer files are small by spec; anything larger is ordinary content. */
  public static final int MAX_POINTER_SIZE = 1024;

  private static final Pattern POINTER = Pattern.compile(
      "version https://git-lfs\\.github\\.com/spec/v1\n"
          + "(?:[a-z0-9.-]+ [^\n]*\n)*?"
          + "oid sha256:([0-9a-f]{64})\n"
          + "size (0|[1-9][0-9]{0,18})\n"
          + "(?:[a-z0-9.-]+ [^\n]*\n)*");

  public LfsPointer {
    if (size < 0) {
      throw HubException.badRequest("Invalid LFS object size: " + size);
    }
  }

  /** The canonical pointer text, byte for byte as git-lfs writes it. */
  public String text() {
    return "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid.hex() + "\nsize " + size + "\n";
  }

  public byte[] bytes() {
    return text().getBytes(StandardCharsets.UTF_8);
  }

  /** Recognises a pointer; anything that is not exactly one is ordinary content. */
  public static Optional<LfsPointer> parse(byte[] content) {
    if (content.length == 0 || content.length > MAX_POINTER_SIZE) {
      return Optional.empty();
    }
    Matcher m = POINTER.matcher(new String(content, StandardCharsets.UTF_8));
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new LfsPointer(new Sha256(m.group(1)), Long.parseLong(m.group(2))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
