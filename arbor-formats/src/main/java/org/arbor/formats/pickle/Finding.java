package org.arbor.formats.pickle;

import java.util.Objects;

/**
 * One observation of a scan.
 *
 * @param severity how much it matters
 * @param callable {@code module.name} of the import or call, or null when the finding is not about one
 * @param opcode the pickle opcode (GLOBAL, REDUCE, …) or a container-level tag (ZIP, NPY, …)
 * @param offset byte offset inside the member (or file) where it was seen, -1 if not about one place
 * @param member archive member, or null for the file itself
 * @param message a sentence a user understands
 */
public record Finding(Severity severity, String callable, String opcode, long offset, String member, String message) {
  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(opcode, "opcode");
    Objects.requireNonNull(message, "message");
  }
}
