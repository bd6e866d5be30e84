package org.arbor.service;

import java.time.Instant;
import java.util.Locale;

/**
 * Who is making a request, as established from its token: a user and what the token allows, or
 * nobody. Every service operation takes one.
 */
public record Caller(String userId, String name, boolean admin, boolean canWrite,
    String tokenName, String tokenRole, Instant tokenCreatedAt) {

  public static final Caller ANONYMOUS = new Caller(null, null, false, false, null, null, null);

  public boolean isAnonymous() {
    return userId == null;
  }

  /** The caller's own namespace, lower-cased, or null when anonymous. */
  public String namespaceKey() {
    return name == null ? null : name.toLowerCase(Locale.ROOT);
  }
}
