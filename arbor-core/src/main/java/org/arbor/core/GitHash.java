package org.arbor.core;

import java.util.regex.Pattern;

/** A git object id (SHA-1) in lower-case hex: a commit, tree or blob. */
public record GitHash(String hex) {
  private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

  public GitHash {
    if (hex == null || !HEX40.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a git object id: " + hex);
    }
  }

  public static boolean isFull(String candidate) {
    return candidate != null && HEX40.matcher(candidate).matches();
  }

  @Override
  public String toString() {
    return hex;
  }
}
