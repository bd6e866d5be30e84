package org.arbor.service;

import java.time.Instant;
import java.util.Locale;

/**
 * Who is making a request, as established from its token: a user and what the token allows, or
 * nobody. Every service operation takes one.
 */
public record Caller(String userId, String name, boolean admin, boolean canWrite,
    String tokenName, String tokenRole, Instant tokenCreatedAt, java.util.List<String> scope) {

  public static final Caller ANONYMOUS = new Caller(null, null, false, false, null, null, null, null);

  /** True if the token is limited to some repositories or namespaces and {@code repo} (ns/name) is not one. */
  public boolean scopeExcludes(String namespace, String fullName) {
    if (scope == null) {
      return false;
    }
    for (String entry : scope) {
      if (entry.equalsIgnoreCase(fullName) || entry.equalsIgnoreCase(namespace)) {
        return false;
      }
    }
    return true;
  }

  public boolean isAnonymous() {
    return userId == null;
  }

  /** The caller's own namespace, lower-cased, or null when anonymous. */
  public String namespaceKey() {
    return name == null ? null : name.toLowerCase(Locale.ROOT);
  }
}
