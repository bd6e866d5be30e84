package org.arbor.service;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the self-authorising URLs of LFS transfers. The clients call them without an
 * Authorization header, so the URL itself carries the grant: an HMAC-SHA256 over what it allows
 * (operation, repository, object, size) and when it expires.
 */
final class UrlSigner {
  private final byte[] key;
  private final Clock clock;

  UrlSigner(byte[] key, Clock clock) {
    this.key = key.clone();
    this.clock = clock;
  }

  /** Seconds since the epoch at which a grant made now for {@code ttlSeconds} expires. */
  long expiry(long ttlSeconds) {
    return clock.instant().getEpochSecond() + ttlSeconds;
  }

  String sign(String operation, String repoId, String oid, long size, long expires) {
    Mac mac = mac();
    byte[] sig = mac.doFinal(payload(operation, repoId, oid, size, expires));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
  }

  /** True if {@code signature} grants {@code operation} on that object and has not expired. */
  boolean verify(String operation, String repoId, String oid, long size, long expires, String signature) {
    if (signature == null || clock.instant().getEpochSecond() > expires) {
      return false;
    }
    byte[] expected = sign(operation, repoId, oid, size, expires).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] payload(String operation, String repoId, String oid, long size, long expires) {
    return String.join("\n", operation, repoId, oid, Long.toString(size), Long.toString(expires))
        .getBytes(StandardCharsets.UTF_8);
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is available in every JDK", e);
    }
  }
}
