package org.arbor.storage.git;

/**
 * A commit could not be applied to its parent's tree: a deleted path does not exist, or a new file
 * collides with a folder (or a folder with a file). The message names the path.
 */
public final class TreeConflictException extends Exception {
  private final String path;
  private final boolean missing;

  private TreeConflictException(String path, boolean missing, String message) {
    super(message);
    this.path = path;
    this.missing = missing;
  }

  static TreeConflictException missing(String path) {
    return new TreeConflictException(path, true, "A file with this name doesn't exist: " + path);
  }

  static TreeConflictException collides(String path, String why) {
    return new TreeConflictException(path, false, "Cannot add '" + path + "': " + why);
  }

  public String path() {
    return path;
  }

  /** True when a deletion named something that is not there. */
  public boolean isMissing() {
    return missing;
  }
}
