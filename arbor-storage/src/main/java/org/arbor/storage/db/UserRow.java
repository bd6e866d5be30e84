package org.arbor.storage.db;

import java.time.Instant;

/** A user account. */
public record UserRow(String id, String name, String fullname, String email, boolean admin, Instant createdAt) {}
