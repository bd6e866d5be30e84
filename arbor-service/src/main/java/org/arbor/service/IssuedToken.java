package org.arbor.service;

/** A token just created: the only moment its text is known, since only its hash is stored. */
public record IssuedToken(String user, String name, String role, String token) {}
