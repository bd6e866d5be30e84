package org.arbor.storage.db;

import java.time.Instant;

/**
 * An access token; only its hash is stored. {@code role} is {@code read} or {@code write};
 * {@code scope}, when set, is a comma-separated list of repo ids and namespaces it is limited to.
 */
public record TokenRow(String id, String userId, String name, String role, Instant createdAt, String scope) {
  public TokenRow(String id, String userId, String name, String role, Instant createdAt) {
    this(id, userId, name, role, createdAt, null);
  }
}
