package org.arbor.formats.pickle;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.arbor.formats.FormatException;

/**
 * Judges a pickle stream without unpickling it: every pickle in the stream is run through a
 * {@link PickleMachine} and every import and call it would make is reported. A stream that cannot
 * be read to the end is an {@link Severity#ERROR} finding (fail closed), never an exception.
 */
public final class PickleScanner {
  private PickleScanner() { }

  /** Scans {@code in} (not closed) as a pickle file named {@code name}. */
  public static ScanReport scan(InputStream in, String name) throws IOException {
    return scan(in, name, null, PickleLimits.DEFAULT);
  }

  /**
   * Scans {@code in} as pickles; findings name {@code member} (an archive member, or null).
   * I/O errors of the stream itself propagate; everything about its content is a finding.
   */
  public static ScanReport scan(InputStream in, String name, String member, PickleLimits limits) throws IOException {
    PickleMachine machine = new PickleMachine(in, name, member, limits);
    List<Finding> extra = new ArrayList<>();
    try {
      if (machine.next() == null) {
        extra.add(new Finding(Severity.ERROR, null, "EOF", 0, member, "empty stream in " + where(name, member)
            + ": there is no pickle to scan"));
      }
      while (machine.next() != null) {
        // every concatenated pickle is scanned: a loader may call pickle.load again
      }
    } catch (FormatException e) {
      extra.add(new Finding(Severity.ERROR, null, "PARSE", e.offset(), member,
          "cannot read the pickle in " + where(name, member) + " to the end (" + e.getMessage()
              + "); a loader would run everything before this point"));
    }
    List<Finding> all = new ArrayList<>(machine.findings());
    all.addAll(extra);
    return ScanReport.of(all);
  }

  private static String where(String name, String member) {
    return member != null ? member : name;
  }
}
