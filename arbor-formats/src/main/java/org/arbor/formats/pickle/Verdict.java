package org.arbor.formats.pickle;

/**
 * The judgement on one file, ordered by severity. {@link #ERROR} means the file could not be
 * scanned to the end and is gated like {@link #UNSAFE}; a scan that proved a dangerous call before
 * failing reports {@link #UNSAFE}, the more useful answer (its findings still carry the error).
 */
public enum Verdict {
  SAFE,
  SUSPICIOUS,
  UNSAFE,
  ERROR
}
