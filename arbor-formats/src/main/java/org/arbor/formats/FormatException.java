package org.arbor.formats;

/**
 * A file that does not follow its format. The message names the file and, where it helps, the
 * byte offset of the problem, in the form a person can act on: {@code model.safetensors: offset 8:
 * header length 9999999999 exceeds the file size 1024}.
 */
public class FormatException extends Exception {
  private final String resource;
  private final long offset;

  public FormatException(String resource, long offset, String message) {
    super(resource + ": " + (offset >= 0 ? "offset " + offset + ": " : "") + message);
    this.resource = resource;
    this.offset = offset;
  }

  public FormatException(String resource, String message) {
    this(resource, -1, message);
  }

  /** The file (or archive member) that is malformed. */
  public String resource() {
    return resource;
  }

  /** The byte offset of the problem, or -1 when it is not about one place. */
  public long offset() {
    return offset;
  }
}
