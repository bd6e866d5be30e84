package org.arbor.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A repository id as clients write it: {@code namespace/name}. The rules are huggingface_hub's
 * validate_repo_id (and transformers.js's), so every id a client accepts is accepted here; a
 * namespace is always required.
 */
public record RepoId(String namespace, String name) {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.-]+");
  public static final int MAX_PART_LENGTH = 96;

  public RepoId {
    checkPart(namespace, "namespace");
    checkPart(name, "repo name");
  }

  /** Parses {@code namespace/name}; throws a 400 {@link HubException} naming the broken rule. */
  public static RepoId parse(String id) {
    if (id == null) {
      throw HubException.badRequest("Missing repo id");
    }
    int slash = id.indexOf('/');
    if (slash <= 0 || slash != id.lastIndexOf('/')) {
      throw HubException.badRequest(
          "Repo id must be in the form 'namespace/repo_name': '" + id + "'");
    }
    return new RepoId(id.substring(0, slash), id.substring(slash + 1));
  }

  /** Lower-cased form used for uniqueness and look-ups: {@code Alice/Tiny} and {@code alice/tiny} are one repo. */
  public String key() {
    return toString().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }

  /** Checks one part of an id: a namespace or a repo name (user and org names follow the same rules). */
  public static void checkPart(String part, String what) {
    if (part == null || part.isEmpty()) {
      throw HubException.badRequest("Missing " + what);
    }
    if (part.length() > MAX_PART_LENGTH) {
      throw HubException.badRequest(
          "Invalid " + what + ": longer than " + MAX_PART_LENGTH + " characters");
    }
    if (!PART.matcher(part).matches()) {
      throw HubException.badRequest("Invalid " + what + " '" + printable(part)
          + "': only letters, digits, '-', '_' and '.' are allowed");
    }
    if (part.startsWith("-") || part.startsWith(".") || part.endsWith("-") || part.endsWith(".")) {
      throw HubException.badRequest(
          "Invalid " + what + " '" + part + "': cannot start or end with '-' or '.'");
    }
    if (part.contains("--") || part.contains("..")) {
      throw HubException.badRequest("Invalid " + what + " '" + part + "': '--' and '..' are forbidden");
    }
    if (part.endsWith(".git")) {
      throw HubException.badRequest("Invalid " + what + " '" + part + "': cannot end with '.git'");
    }
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().limit(MAX_PART_LENGTH + 4L).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format(Locale.ROOT, "\\x%02x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
