package org.arbor.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;

/**
 * The bearer tokens of the Xet CAS API, handed out by {@code xet-read-token} and
 * {@code xet-write-token}: scoped to one repository and revision, read or write (write implies
 * read), expiring after an hour. They are self-contained and MAC-signed: the CAS checks them
 * without a database lookup, and one cannot be widened or prolonged without the hub's key.
 */
public final class XetTokens {
  static final long TTL_SECONDS = 3600;
  private static final String PREFIX = "xet1.";

  /** A token and when it expires (unix seconds). */
  public record Issued(String token, long expires) {}

  /** What a valid token grants: write or read only, on a repository (by row id) and revision. */
  public record Grant(boolean write, String repoId, String revision, String userId, long expires) {}

  private final Access access;
  private final Gating gating;
  private final byte[] key;
  private final Clock clock;

  public XetTokens(Access access, Gating gating, byte[] key, Clock clock) {
    this.access = access;
    this.gating = gating;
    this.key = key.clone();
    this.clock = clock;
  }

  /**
   * A token for {@code caller} on a repository: read needs read access (and, for a gated repo,
   * granted access), write needs the right to push to it.
   */
  public Issued issue(Caller caller, RepoType type, RepoId id, String revision, boolean write) throws IOException {
    Repo repo;
    if (write) {
      repo = access.contributable(caller, type, id);
    } else {
      repo = access.readable(caller, type, id);
      gating.checkContent(caller, repo);
    }
    return issueFor(repo.row().id(), revision, caller.userId(), write);
  }

  /** A token for a repository by row id, once access is settled. */
  Issued issueFor(String repoId, String revision, String userId, boolean write) {
    long expires = clock.instant().getEpochSecond() + TTL_SECONDS;
    String payload = String.join("|", write ? "write" : "read", repoId, revision, userId == null ? "" : userId,
        Long.toString(expires));
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return new Issued(PREFIX + encoded + "." + sign(encoded), expires);
  }

  /** What {@code token} grants; 401 if it is missing, forged or expired. */
  public Grant check(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      throw HubException.unauthorized("A Xet access token is required (from xet-read-token or xet-write-token)");
    }
    String[] parts = token.substring(PREFIX.length()).split("\\.", -1);
    if (parts.length != 2 || !MessageDigest.isEqual(sign(parts[0]).getBytes(StandardCharsets.US_ASCII),
        parts[1].getBytes(StandardCharsets.US_ASCII))) {
      throw HubException.unauthorized("This Xet access token is invalid");
    }
    String[] fields = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8).split("\\|", -1);
    long expires = Long.parseLong(fields[4]);
    if (clock.instant().getEpochSecond() > expires) {
      throw HubException.unauthorized("This Xet access token has expired; ask for a new one");
    }
    return new Grant(fields[0].equals("write"), fields[1], fields[2], fields[3].isEmpty() ? null : fields[3], expires);
  }

  /** The grant of {@code token}, which must allow writing; 403 for a read token. */
  public Grant checkWrite(String token) {
    Grant grant = check(token);
    if (!grant.write()) {
      throw HubException.forbidden("This Xet token is read-only; uploads need one from xet-write-token");
    }
    return grant;
  }

  private String sign(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is available in every JDK", e);
    }
  }
}
