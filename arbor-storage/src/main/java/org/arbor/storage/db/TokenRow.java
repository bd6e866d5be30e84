package org.arbor.storage.db;

import java.time.Instant;

/** An access token; only its hash is stored. {@code role} is {@code read} or {@code write}. */
public record TokenRow(String id, String userId, String name, String role, Instant createdAt) {}
