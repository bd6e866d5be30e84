package org.arbor.service;

/** A user as the API shows them. */
public record Account(String id, String name, String fullname, String email, boolean admin) {}
