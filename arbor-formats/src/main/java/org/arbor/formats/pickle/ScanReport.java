package org.arbor.formats.pickle;

import java.util.ArrayList;
import java.util.List;

/** What a scan concluded about one file, with the findings that led there. */
public record ScanReport(Verdict verdict, List<Finding> findings) {
  public ScanReport {
    findings = List.copyOf(findings);
  }

  /**
   * The verdict the findings imply: UNSAFE when any finding is dangerous, else ERROR when the scan
   * could not finish, else SUSPICIOUS when anything is unknown, else SAFE.
   */
  public static ScanReport of(List<Finding> findings) {
    boolean dangerous = false, error = false, suspicious = false;
    for (Finding f : findings) {
      switch (f.severity()) {
        case DANGEROUS -> dangerous = true;
        case ERROR -> error = true;
        case SUSPICIOUS -> suspicious = true;
        case INFO -> { }
      }
    }
    Verdict v = dangerous ? Verdict.UNSAFE : error ? Verdict.ERROR : suspicious ? Verdict.SUSPICIOUS : Verdict.SAFE;
    return new ScanReport(v, findings);
  }

  /** This report's findings followed by {@code other}'s, re-judged. */
  public ScanReport plus(ScanReport other) {
    List<Finding> all = new ArrayList<>(findings);
    all.addAll(other.findings);
    return of(all);
  }

  /** The findings at or above {@code severity}. */
  public List<Finding> atLeast(Severity severity) {
    return findings.stream().filter(f -> f.severity().compareTo(severity) >= 0).toList();
  }
}
