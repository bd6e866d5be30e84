package org.arbor.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.arbor.core.ErrorCode;
import org.arbor.core.HubException;
import org.arbor.core.Sha256;
import org.arbor.storage.db.SessionRows;
import org.arbor.storage.db.UserRow;
import org.arbor.storage.db.UserRows;

/**
 * Web sign-in: passwords (Argon2id), browser sessions (a random cookie whose SHA-256 is stored,
 * with a CSRF token its forms must echo), limits on failed sign-ins per account and per address,
 * password changes, and self-sign-up where the instance allows it.
 */
public final class Sessions {
  static final Duration LIFETIME = Duration.ofDays(30);
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
  static final int MAX_FAILURES_PER_ACCOUNT = 5;
  static final int MAX_FAILURES_PER_ADDRESS = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final UserRows users;
  private final SessionRows sessions;
  private final Accounts accounts;
  private final AuditLog audit;
  private final boolean signUpAllowed;
  private final Clock clock;

  public Sessions(UserRows users, SessionRows sessions, Accounts accounts, AuditLog audit, boolean signUpAllowed,
      Clock clock) {
    this.users = users;
    this.sessions = sessions;
    this.accounts = accounts;
    this.audit = audit;
    this.signUpAllowed = signUpAllowed;
    this.clock = clock;
  }

  /** A session just opened: the cookie value (shown once), its CSRF token and its expiry. */
  public record Opened(String cookie, String csrf, Instant expiresAt) {}

  /** A session found from its cookie: the caller it stands for and its CSRF token. */
  public record Current(Caller caller, String csrf, String cookieHash) {}

  public boolean signUpAllowed() {
    return signUpAllowed;
  }

  /** Signs in; refuses with 429 while the account or the address has too many recent failures. */
  public Opened signIn(String name, String password, String address) {
    Instant now = clock.instant();
    Instant windowStart = now.minus(FAILURE_WINDOW);
    String account = "account:" + (name == null ? "" : name.toLowerCase(Locale.ROOT));
    String from = "address:" + address;
    if (sessions.failures(account, windowStart) >= MAX_FAILURES_PER_ACCOUNT
        || sessions.failures(from, windowStart) >= MAX_FAILURES_PER_ADDRESS) {
      throw new HubException(ErrorCode.TOO_MANY_REQUESTS,
          "Too many failed sign-ins; try again in " + FAILURE_WINDOW.toMinutes() + " minutes");
    }
    Optional<UserRow> user = name == null ? Optional.empty() : users.findByName(name);
    String stored = user.flatMap(u -> users.passwordHash(u.id())).orElse(null);
    // verify even without a user, so a missing account takes as long as a wrong password
    boolean ok = Passwords.verify(password, stored != null ? stored : DUMMY_HASH) && stored != null;
    if (!ok) {
      sessions.recordFailure(account, now, windowStart);
      sessions.recordFailure(from, now, windowStart);
      audit.record(Caller.ANONYMOUS, "signin.failed", "user:" + name, "from " + address);
      throw HubException.unauthorized("Wrong user name or password");
    }
    sessions.clearFailures(account);
    return open(user.get().id(), now);
  }

  /** The session of a cookie, if it is live. */
  public Optional<Current> current(String cookie) {
    if (cookie == null || cookie.isEmpty()) {
      return Optional.empty();
    }
    String hash = Sha256.digest(cookie.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hex();
    return sessions.find(hash, clock.instant()).flatMap(s -> users.findById(s.userId()).map(u ->
        new Current(new Caller(u.id(), u.name(), u.admin(), true, "web session", Accounts.WRITE, null, null),
            s.csrf(), hash)));
  }

  public void signOut(Current session) {
    sessions.delete(session.cookieHash());
  }

  /** Changes the caller's password; other sessions of theirs end. */
  public void changePassword(Current session, String current, String replacement) {
    Caller caller = session.caller();
    String stored = users.passwordHash(caller.userId()).orElse(null);
    if (stored != null && !Passwords.verify(current, stored)) {
      throw HubException.forbidden("The current password is wrong");
    }
    Passwords.checkStrength(replacement);
    users.setPasswordHash(caller.userId(), Passwords.hash(replacement));
    sessions.deleteOthers(caller.userId(), session.cookieHash());
    audit.record(caller, "password.changed", "user:" + caller.name(), null);
  }

  /** Sets a user's password (site administrators, or the command line). */
  public void setPassword(String userName, String password) {
    Passwords.checkStrength(password);
    UserRow user = users.findByName(userName).orElseThrow(() -> HubException.entryNotFound("No user named " + userName));
    users.setPasswordHash(user.id(), Passwords.hash(password));
    sessions.deleteOthers(user.id(), null);
  }

  /** Creates an account and signs it in, where the instance allows self-sign-up. */
  public Opened signUp(String name, String password, String email) {
    if (!signUpAllowed) {
      throw HubException.forbidden("This hub does not allow sign-up; ask an administrator for an account");
    }
    Passwords.checkStrength(password);
    UserRow user = accounts.createUser(name, false);
    users.setPasswordHash(user.id(), Passwords.hash(password));
    audit.record(new Caller(user.id(), user.name(), false, true, null, null, null, null), "user.signed_up",
        "user:" + user.name(), email);
    return open(user.id(), clock.instant());
  }

  private Opened open(String userId, Instant now) {
    String cookie = random();
    String csrf = random();
    Instant expires = now.plus(LIFETIME);
    sessions.insert(Sha256.digest(cookie.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hex(), userId, csrf, now,
        expires);
    return new Opened(cookie, csrf, expires);
  }

  static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A valid hash of a random password, verified against when the account does not exist. */
  private static final String DUMMY_HASH = Passwords.hash(random());
}
