package org.arbor.formats.pickle;

/** How much one finding matters, least to most severe. */
public enum Severity {
  /** A fact worth showing (an allow-listed import, a persistent id, the format detected). */
  INFO,
  /** Something Arbor cannot vouch for: an import that is on neither list, an odd archive. */
  SUSPICIOUS,
  /** An import or call that can run code, touch files or the network on load. */
  DANGEROUS,
  /** The scan could not finish (malformed data, an unknown opcode, a limit hit): fail closed. */
  ERROR
}
