package org.arbor.service;

import java.util.Locale;
import org.arbor.core.HubException;
import org.arbor.storage.db.RepoRow;

/**
 * What happens to files the scanner judges unsafe (or could not read): {@code warn} shows the
 * verdict everywhere; {@code block} also refuses to serve them (resolve, LFS, git) and refuses
 * commits and pushes that add them. Set per instance, overridden per organisation, then per repository.
 */
public final class ScanPolicy {
  public enum Mode { WARN, BLOCK }

  private final Mode instanceDefault;
  private final org.arbor.storage.db.OrgRows orgs;

  public ScanPolicy(Mode instanceDefault, org.arbor.storage.db.OrgRows orgs) {
    this.instanceDefault = instanceDefault;
    this.orgs = orgs;
  }

  public static Mode parse(String value) {
    try {
      return Mode.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HubException.badRequest("scanPolicy must be warn or block, not " + value);
    }
  }

  /** The repository's own policy, else its organisation's, else the instance's. */
  Mode effective(RepoRow row) {
    if (row.scanPolicy() != null) {
      return parse(row.scanPolicy());
    }
    return orgs.scanPolicy(row.namespace()).filter(p -> p != null).map(ScanPolicy::parse).orElse(instanceDefault);
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
