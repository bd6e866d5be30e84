package org.arbor.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.Sha256;
import org.arbor.storage.db.OrgRows;
import org.arbor.storage.db.TokenRow;
import org.arbor.storage.db.TokenRows;
import org.arbor.storage.db.UserRow;
import org.arbor.storage.db.UserRows;

/**
 * Users and their access tokens. Tokens look like the Hub's ({@code hf_} and 34 letters and
 * digits) because the JS client refuses any other shape; they are stored as SHA-256 hashes and
 * checked in constant time.
 */
public final class Accounts {
  public static final String READ = "read";
  public static final String WRITE = "write";
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final int TOKEN_RANDOM_CHARS = 34;

  private final UserRows users;
  private final TokenRows tokens;
  private final OrgRows orgs;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public Accounts(UserRows users, TokenRows tokens, OrgRows orgs, AuditLog audit, Clock clock) {
    this.users = users;
    this.tokens = tokens;
    this.orgs = orgs;
    this.audit = audit;
    this.clock = clock;
  }

  /** Names that are path segments of the Hub's own URLs, so no namespace may take them. */
  private static final java.util.Set<String> RESERVED = java.util.Set.of(
      "api", "datasets", "spaces", "models", "settings", "login", "logout", "join", "new", "docs", "static",
      "assets", "admin-panel", "organizations", "collections", "papers", "blog", "lfs", "git");

  public UserRow createUser(String name, boolean admin) {
    RepoId.checkPart(name, "user name");
    if (RESERVED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
      throw HubException.badRequest("The name " + name + " is reserved");
    }
    if (orgs.findByName(name).isPresent()) {
      throw HubException.conflict("The name " + name + " belongs to an organisation");
    }
    return users.insert(name, name, null, admin, clock.instant())
        .orElseThrow(() -> HubException.conflict("User " + name + " already exists"));
  }

  /** Creates a user through the API: site administrators only. */
  public UserRow createUserAs(Caller caller, String name, boolean admin) {
    if (!caller.admin() || !caller.canWrite()) {
      throw caller.isAnonymous() ? HubException.unauthorized("Sign in as an administrator to create users")
          : HubException.forbidden("Only administrators (with a write token) can create users");
    }
    UserRow user = createUser(name, admin);
    audit.record(caller, "user.created", "user:" + name, admin ? "admin" : null);
    return user;
  }

  public Optional<UserRow> user(String name) {
    return users.findByName(name);
  }

  /** Issues a new token for {@code userName}, with role {@link #READ} or {@link #WRITE}. */
  public IssuedToken createToken(String userName, String tokenName, String role) {
    if (!role.equals(READ) && !role.equals(WRITE)) {
      throw HubException.badRequest("Token role must be read or write");
    }
    UserRow user = users.findByName(userName)
        .orElseThrow(() -> HubException.entryNotFound("No user named " + userName));
    String token = newTokenText();
    tokens.insert(user.id(), tokenName, role, hash(token), clock.instant());
    return new IssuedToken(user.name(), tokenName, role, token);
  }

  /**
   * Makes sure {@code name} exists as an admin and holds {@code token} as a write token: the
   * bootstrap that {@code ARBOR_ADMIN_TOKEN} asks for. Safe to repeat on every start.
   */
  public void ensureAdmin(String name, String token) {
    checkTokenShape(token);
    UserRow user = users.findByName(name).orElseGet(() -> createUser(name, true));
    if (!user.admin()) {
      users.setAdmin(user.id(), true);
    }
    Optional<TokenRows.Match> existing = tokens.findByHash(hash(token));
    if (existing.isPresent()) {
      if (!existing.get().token().userId().equals(user.id())) {
        throw new IllegalStateException("ARBOR_ADMIN_TOKEN already belongs to another user");
      }
      return;
    }
    tokens.insert(user.id(), "admin-bootstrap", WRITE, hash(token), clock.instant());
  }

  /**
   * On a hub without any user, creates the admin {@code name} with a new write token, so a first
   * start without {@code ARBOR_ADMIN_TOKEN} still leaves someone able to log in. Empty otherwise.
   */
  public Optional<IssuedToken> bootstrapFirstAdmin(String name) {
    if (users.count() > 0) {
      return Optional.empty();
    }
    createUser(name, true);
    return Optional.of(createToken(name, "admin-bootstrap", WRITE));
  }

  /**
   * The caller a request's token stands for. No token is anonymous; a token that is not one of
   * ours is refused with the Hub's exact message, which huggingface_hub knows not to report as a
   * missing repository.
   */
  public Caller authenticate(String token) {
    if (token == null || token.isEmpty()) {
      return Caller.ANONYMOUS;
    }
    String hash = hash(token);
    TokenRows.Match match = tokens.findByHash(hash).orElseThrow(HubException::invalidCredentials);
    if (!MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
        match.storedHash().getBytes(StandardCharsets.US_ASCII))) {
      throw HubException.invalidCredentials();
    }
    TokenRow row = match.token();
    UserRow user = match.user();
    List<String> scope = row.scope() == null ? null : List.of(row.scope().split(","));
    return new Caller(user.id(), user.name(), user.admin(), row.role().equals(WRITE),
        row.name(), row.role(), row.createdAt(), scope);
  }

  /** A token as its owner sees it in a listing (never its text). */
  public record TokenInfo(String id, String name, String role, java.time.Instant createdAt, List<String> scope) {}

  /** The caller's own tokens. */
  public List<TokenInfo> tokens(Caller caller) {
    requireUser(caller);
    return tokens.forUser(caller.userId()).stream()
        .map(t -> new TokenInfo(t.id(), t.name(), t.role(), t.createdAt(),
            t.scope() == null ? null : List.of(t.scope().split(","))))
        .toList();
  }

  /**
   * Issues a token to the caller. A read token cannot mint a write token; {@code scope}, when
   * given, limits the new token to those repositories ({@code ns/name}) and namespaces.
   */
  public IssuedToken issueToken(Caller caller, String name, String role, List<String> scope) {
    requireUser(caller);
    if (!caller.canWrite()) {
      throw HubException.forbidden("A read token cannot create tokens; use a write token");
    }
    if (!role.equals(READ) && !role.equals(WRITE)) {
      throw HubException.badRequest("Token role must be read or write");
    }
    String label = name == null || name.isBlank() ? "token" : name.strip();
    if (label.length() > 128) {
      throw HubException.badRequest("Token name longer than 128 characters");
    }
    String scopeText = null;
    if (scope != null && !scope.isEmpty()) {
      for (String entry : scope) {
        if (entry.contains("/")) {
          RepoId.parse(entry);
        } else {
          RepoId.checkPart(entry, "namespace");
        }
      }
      scopeText = String.join(",", scope);
    }
    String token = newTokenText();
    TokenRow row = tokens.insert(caller.userId(), label, role, hash(token), scopeText, clock.instant());
    audit.record(caller, "token.created", "token:" + row.id(), role + (scopeText == null ? "" : " scope " + scopeText));
    return new IssuedToken(caller.name(), label, role, token);
  }

  /** Revokes one of the caller's tokens. */
  public void revokeToken(Caller caller, String tokenId) {
    requireUser(caller);
    if (!tokens.revoke(caller.userId(), tokenId, clock.instant())) {
      throw HubException.entryNotFound("No token " + tokenId + " of yours");
    }
    audit.record(caller, "token.revoked", "token:" + tokenId, null);
  }

  /** The organisations a user belongs to: name, full name and role. */
  public List<String[]> organisations(Caller caller) {
    return caller.isAnonymous() ? List.of() : orgs.membershipsOf(caller.userId());
  }

  private static void requireUser(Caller caller) {
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("You must be authenticated to manage tokens");
    }
  }

  public Account whoami(Caller caller) {
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("Invalid user token. Make sure to pass a token with --token or set HF_TOKEN.");
    }
    UserRow user = users.findById(caller.userId()).orElseThrow(HubException::invalidCredentials);
    return new Account(user.id(), user.name(), user.fullname(), user.email(), user.admin());
  }

  static String hash(String token) {
    return Sha256.digest(token.getBytes(StandardCharsets.UTF_8)).hex();
  }

  private String newTokenText() {
    StringBuilder token = new StringBuilder("hf_");
    for (int i = 0; i < TOKEN_RANDOM_CHARS; i++) {
      token.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return token.toString();
  }

  private static void checkTokenShape(String token) {
    if (token == null || !token.matches("hf_[A-Za-z0-9]{20,}")) {
      throw new IllegalArgumentException(
          "ARBOR_ADMIN_TOKEN must look like a Hub token: hf_ followed by at least 20 letters or digits");
    }
  }
}
