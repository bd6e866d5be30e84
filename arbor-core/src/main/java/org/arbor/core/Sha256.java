package org.arbor.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A SHA-256 digest in lower-case hex: the id of an LFS object and of a blob in the blob store. */
public record Sha256(String hex) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public Sha256 {
    if (hex == null || !HEX64.matcher(hex).matches()) {
      throw HubException.badRequest("Invalid sha256 oid: expected 64 lower-case hex characters");
    }
  }

  public static Sha256 of(byte[] digest) {
    return new Sha256(HexFormat.of().formatHex(digest));
  }

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK ships SHA-256", e);
    }
  }

  public static Sha256 digest(byte[] content) {
    return of(newDigest().digest(content));
  }

  @Override
  public String toString() {
    return hex;
  }
}
