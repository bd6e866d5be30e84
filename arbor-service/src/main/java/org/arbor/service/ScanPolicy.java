package org.arbor.service;

import java.util.Locale;
import org.arbor.core.HubException;
import org.arbor.storage.db.RepoRow;

/**
 * What happens to files the scanner judges unsafe (or could not read): {@code warn} shows the
 * verdict everywhere; {@code block} also refuses to serve them (resolve, LFS, git) and refuses
 * commits and pushes that add them. Set per instance, overridden per repository.
 */
public final class ScanPolicy {
  public enum Mode { WARN, BLOCK }

  private final Mode instanceDefault;

  public ScanPolicy(Mode instanceDefault) {
    this.instanceDefault = instanceDefault;
  }

  public static Mode parse(String value) {
    try {
      return Mode.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HubException.badRequest("scanPolicy must be warn or block, not " + value);
    }
  }

  Mode effective(RepoRow row) {
    return row.scanPolicy() == null ? instanceDefault : parse(row.scanPolicy());
  }

  boolean blocks(RepoRow row) {
    return effective(row) == Mode.BLOCK;
  }

  /** The refusal for a file the policy blocks, naming what the scanner found. */
  static HubException blocked(String path, Scans.Result result) {
    StringBuilder message = new StringBuilder("Blocked by this repository's scan policy: ").append(path)
        .append(" was judged ").append(result.verdict());
    result.findings().stream()
        .filter(f -> f.severity().equals("dangerous") || f.severity().equals("error"))
        .limit(5)
        .forEach(f -> message.append("; ").append(f.message()));
    return new HubException(org.arbor.core.ErrorCode.UNSAFE_FILE, message.toString());
  }
}
