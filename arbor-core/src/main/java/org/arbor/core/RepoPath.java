package org.arbor.core;

import java.nio.charset.StandardCharsets;

/**
 * A file or folder path inside a repository, relative to its root, with {@code /} separators.
 * Every path a client sends passes through {@link #of}; it refuses what could escape the tree,
 * confuse git, or not survive a checkout: climbing ({@code ..}), absolute paths, {@code .git},
 * control characters and backslashes, empty segments, and over-long names.
 */
public record RepoPath(String value) {
  /** Bytes in one path, as UTF-8. Longer than any file system a client checks out to allows. */
  public static final int MAX_LENGTH = 1024;
  /** Bytes in one segment: the usual NAME_MAX. */
  public static final int MAX_SEGMENT_LENGTH = 255;

  public RepoPath {
    check(value);
  }

  public static RepoPath of(String value) {
    return new RepoPath(value);
  }

  /** The last segment. */
  public String fileName() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  /** True if this path is {@code folder} or below it. */
  public boolean isUnder(RepoPath folder) {
    return value.equals(folder.value) || value.startsWith(folder.value + "/");
  }

  @Override
  public String toString() {
    return value;
  }

  private static void check(String value) {
    if (value == null || value.isEmpty()) {
      throw HubException.badRequest("Invalid path: empty");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
      throw HubException.badRequest("Invalid path: longer than " + MAX_LENGTH + " bytes");
    }
    if (value.startsWith("/")) {
      throw HubException.badRequest("Invalid path '" + value + "': absolute paths are not allowed");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw HubException.badRequest("Invalid path: control or NUL character at index " + i);
      }
      if (c == '\\') {
        throw HubException.badRequest("Invalid path '" + value + "': use '/' as the separator, not '\\'");
      }
    }
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty()) {
        throw HubException.badRequest("Invalid path '" + value + "': empty segment");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw HubException.badRequest("Invalid path '" + value + "': '.' and '..' segments are not allowed");
      }
      if (segment.equalsIgnoreCase(".git")) {
        throw HubException.badRequest("Invalid path '" + value + "': '.git' is reserved");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_LENGTH) {
        throw HubException.badRequest("Invalid path: a segment is longer than " + MAX_SEGMENT_LENGTH + " bytes");
      }
    }
  }
}
