package org.arbor.formats.pickle;

/**
 * Bounds on what a simulated unpickler keeps in memory. A pickle that needs more is not scanned
 * further and is reported as an error (fail closed), never loaded into memory in full.
 *
 * @param maxStack values on the stack, across all marks
 * @param maxMarks nested MARKs
 * @param maxMemoEntries memo entries kept (indices may be sparse)
 * @param maxLine longest protocol-0 text argument (GLOBAL, STRING, INT …)
 * @param maxRetainedString longest str kept as text; longer ones are skipped and become opaque
 * @param maxRetainedBytes longest bytes kept (for nested-pickle scanning); longer ones are skipped
 * @param maxRetainedTotalBytes bytes kept across all str/bytes values of one stream
 * @param maxRetainedElements container elements kept across one pickle; more are counted, not kept
 * @param maxPickles pickles per stream
 * @param maxNesting pickles inside pickles that are scanned recursively
 * @param maxFindings findings kept per stream (a finding more severe than all kept is always added)
 */
public record PickleLimits(
    int maxStack,
    int maxMarks,
    int maxMemoEntries,
    int maxLine,
    int maxRetainedString,
    int maxRetainedBytes,
    long maxRetainedTotalBytes,
    int maxRetainedElements,
    int maxPickles,
    int maxNesting,
    int maxFindings) {

  public static final PickleLimits DEFAULT = new PickleLimits(
      1 << 20, 1 << 16, 1 << 21, 1 << 20, 1 << 16, 1 << 16, 64L << 20, 1 << 21, 10_000, 2, 1_000);
}
