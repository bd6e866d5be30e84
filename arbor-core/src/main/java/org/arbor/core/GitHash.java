package org.arbor.core;

/** A git object id (SHA-1) in lower-case hex: a commit, tree or blob. */
public record GitHash(String hex) {
  public GitHash {
    if (!isFull(hex)) {
      throw new IllegalArgumentException("not a git object id: " + hex);
    }
  }

  /** Forty lower-case hex digits (checked by hand: listings build tens of thousands of these). */
  public static boolean isFull(String candidate) {
    if (candidate == null || candidate.length() != 40) {
      return false;
    }
    for (int i = 0; i < 40; i++) {
      char c = candidate.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return hex;
  }
}
