package org.arbor.server.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.Caller;
import org.arbor.service.Gating;
import org.arbor.service.Sessions;
import org.arbor.server.web.Frame;
import org.arbor.server.web.Templates;

/**
 * The sign-in pages: sign in, sign out, sign up (where allowed) and change password, as plain
 * server-rendered forms. The session cookie is HttpOnly and SameSite=Lax (Secure over https);
 * every form carries a CSRF token: the session's own once signed in, a double-submit cookie
 * before. The session authenticates these pages only, never the API (which takes tokens), so a
 * cross-site request cannot act on the API with a browser's cookie. The ask-access page of a gated
 * repository is here too: the card's prompt and fields as a form, posted with the session.
 */
final class WebHandler {
  static final String SESSION_COOKIE = "arbor_session";
  static final String CSRF_COOKIE = "arbor_csrf";

  private final Sessions sessions;
  private final Gating gating;

  WebHandler(Sessions sessions, Gating gating) {
    this.sessions = sessions;
    this.gating = gating;
  }

  /** {@code GET /P{ns}/{name}/ask-access}: the card's gating prompt and fields as a form. */
  void askAccessForm(Exchange ex, RepoType type, RepoId id) throws IOException {
    Optional<Sessions.Current> session = session(ex);
    Caller caller = session.map(Sessions.Current::caller).orElse(Caller.ANONYMOUS);
    Gating.Form form;
    try {
      form = gating.form(caller, type, id);
    } catch (HubException e) {
      page(ex, e.code().httpStatus(), "Access", notice(e.getMessage()));
      return;
    }
    askPage(ex, session, form, 200, null);
  }

  /** {@code POST /P{ns}/{name}/ask-access} from the page: the session's CSRF token and the answers. */
  void askAccess(Exchange ex, RepoType type, RepoId id) throws IOException {
    Optional<Sessions.Current> session = session(ex);
    Map<String, List<String>> form = ex.readForm();
    if (session.isEmpty() || !same(field(form, "csrf"), session.get().csrf())) {
      page(ex, session.isEmpty() ? 401 : 403, "Access", "<p>Sign in on this hub and ask from the repository's page.</p>");
      return;
    }
    Map<String, Object> answers = new LinkedHashMap<>();
    form.forEach((k, v) -> {
      if (!k.equals("csrf")) {
        answers.put(k, v.size() == 1 ? v.get(0) : v);
      }
    });
    try {
      String status = gating.ask(session.get().caller(), type, id, answers);
      askPage(ex, session, gating.form(session.get().caller(), type, id), 200,
          status.equals("accepted") ? "Access granted." : "Your request was sent to the repository's authors.");
    } catch (HubException e) {
      page(ex, e.code().httpStatus(), "Access", notice(e.getMessage()));
    }
  }

  private void askPage(Exchange ex, Optional<Sessions.Current> session, Gating.Form form, int status,
      String message) throws IOException {
    StringBuilder body = new StringBuilder(notice(message));
    body.append("<p>").append(html(form.heading() != null ? form.heading()
        : "You need to agree to share your contact information to access this " + form.kind() + ".")).append("</p>");
    if (form.prompt() != null) {
      body.append("<p>").append(html(form.prompt())).append("</p>");
    }
    if (form.status() != null) {
      body.append("<p>Your request: <strong>").append(html(form.status())).append("</strong></p>");
    }
    if (session.isEmpty()) {
      body.append("<p><a href=\"/login\">Sign in</a> to ask for access.</p>");
    } else if (!"accepted".equals(form.status())) {
      body.append("<form method=\"post\">").append(hidden("csrf", session.get().csrf()));
      form.fields().forEach((label, type) -> body.append(input(label, type)));
      body.append("<button type=\"submit\">").append(html(form.button() != null ? form.button() : "Ask for access"))
          .append("</button></form>");
    }
    page(ex, status, "Access to " + form.repoId(), body.toString());
  }

  /** One field of a card's {@code extra_gated_fields}: text, checkbox, date_picker, country or a select. */
  private static String input(String label, Object type) {
    String name = html(label);
    if (type instanceof Map<?, ?> spec && "select".equals(spec.get("type")) && spec.get("options") instanceof List<?> options) {
      StringBuilder select = new StringBuilder("<label>" + name + " <select name=\"" + name + "\" required>");
      for (Object option : options) {
        String value = option instanceof Map<?, ?> o ? String.valueOf(o.get("value")) : String.valueOf(option);
        String shown = option instanceof Map<?, ?> o ? String.valueOf(o.get("label")) : String.valueOf(option);
        select.append("<option value=\"").append(html(value)).append("\">").append(html(shown)).append("</option>");
      }
      return select.append("</select></label>").toString();
    }
    return switch (String.valueOf(type)) {
      case "checkbox" -> "<label><input type=\"checkbox\" name=\"" + name + "\" value=\"yes\" required> " + name + "</label>";
      case "date_picker" -> "<label>" + name + " <input type=\"date\" name=\"" + name + "\" required></label>";
      default -> "<label>" + name + " <input name=\"" + name + "\" required></label>";
    };
  }

  void loginForm(Exchange ex) throws IOException {
    loginPage(ex, 200, null);
  }

  void login(Exchange ex) throws IOException {
    Map<String, List<String>> form = ex.readForm();
    if (!doubleSubmitted(ex, form)) {
      loginPage(ex, 403, "The form expired; please try again.");
      return;
    }
    try {
      Sessions.Opened opened = sessions.signIn(field(form, "username"), field(form, "password"), address(ex));
      setSession(ex, opened);
      redirect(ex, "/");
    } catch (HubException e) {
      loginPage(ex, e.code().httpStatus(), e.getMessage());
    }
  }

  void logout(Exchange ex) throws IOException {
    Optional<Sessions.Current> session = session(ex);
    Map<String, List<String>> form = ex.readForm();
    if (session.isEmpty() || !same(field(form, "csrf"), session.get().csrf())) {
      page(ex, 403, "Sign out", "<p>This request did not come from Arbor's own page.</p>");
      return;
    }
    sessions.signOut(session.get());
    ex.response.addHeader("Set-Cookie", SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + secure(ex));
    redirect(ex, "/");
  }

  void joinForm(Exchange ex) throws IOException {
    joinPage(ex, sessions.signUpAllowed() ? 200 : 403, sessions.signUpAllowed() ? null
        : "This hub does not allow sign-up; ask an administrator for an account.");
  }

  void join(Exchange ex) throws IOException {
    Map<String, List<String>> form = ex.readForm();
    if (!doubleSubmitted(ex, form)) {
      joinPage(ex, 403, "The form expired; please try again.");
      return;
    }
    try {
      Sessions.Opened opened = sessions.signUp(field(form, "username"), field(form, "password"), field(form, "email"));
      setSession(ex, opened);
      redirect(ex, "/");
    } catch (HubException e) {
      joinPage(ex, e.code().httpStatus(), e.getMessage());
    }
  }

  void passwordForm(Exchange ex) throws IOException {
    Optional<Sessions.Current> session = session(ex);
    if (session.isEmpty()) {
      redirect(ex, "/login");
      return;
    }
    passwordPage(ex, session.get(), 200, null);
  }

  void changePassword(Exchange ex) throws IOException {
    Optional<Sessions.Current> session = session(ex);
    Map<String, List<String>> form = ex.readForm();
    if (session.isEmpty() || !same(field(form, "csrf"), session.get().csrf())) {
      page(ex, 403, "Change password", "<p>This request did not come from Arbor's own page.</p>");
      return;
    }
    try {
      sessions.changePassword(session.get(), field(form, "current"), field(form, "password"));
      passwordPage(ex, session.get(), 200, "Password changed. Your other sessions were signed out.");
    } catch (HubException e) {
      passwordPage(ex, session.get(), e.code().httpStatus(), e.getMessage());
    }
  }

  // ---- pages ------------------------------------------------------------------------------------

  private void loginPage(Exchange ex, int status, String message) throws IOException {
    formPage(ex, status, "Sign in", "login", freshCsrfCookie(ex), message);
  }

  private void joinPage(Exchange ex, int status, String message) throws IOException {
    formPage(ex, status, "Create an account", "join", freshCsrfCookie(ex), message);
  }

  private void passwordPage(Exchange ex, Sessions.Current s, int status, String message) throws IOException {
    formPage(ex, status, "Change password", "password", s.csrf(), message);
  }

  /** The sign-in, sign-up and password forms ({@code signin.jte}). */
  private void formPage(Exchange ex, int status, String title, String form, String csrf, String message)
      throws IOException {
    Optional<Sessions.Current> session = session(ex);
    Frame frame = new Frame(title, session.map(x -> x.caller().name()).orElse(null),
        session.map(Sessions.Current::csrf).orElse(null), "", null);
    Map<String, Object> params = new java.util.HashMap<>();
    params.put("frame", frame);
    params.put("form", form);
    params.put("csrf", csrf);
    params.put("message", message);
    params.put("signUpAllowed", sessions.signUpAllowed());
    ex.header("Cache-Control", "no-store");
    PagesHandler.send(ex, status, Templates.render("signin.jte", params));
  }

  /**
   * Sends one of these pages inside the site's frame. {@code body} is built here from escaped
   * strings only ({@link #html}); the frame shows who is signed in.
   */
  private void page(Exchange ex, int status, String title, String body) throws IOException {
    Optional<Sessions.Current> session = session(ex);
    Frame frame = new Frame(title, session.map(s -> s.caller().name()).orElse(null),
        session.map(Sessions.Current::csrf).orElse(null), "", null);
    ex.header("Cache-Control", "no-store");
    PagesHandler.send(ex, status, Templates.render("plain.jte", Map.of("frame", frame, "body", body)));
  }

  /** True if a form posted with this session carries the session's own CSRF token. */
  static boolean csrfMatches(Sessions.Current session, Map<String, List<String>> form) {
    return same(field(form, "csrf"), session.csrf());
  }

  static void redirect(Exchange ex, String location) {
    ex.response.setStatus(303);
    ex.header("Location", location);
  }

  // ---- sessions and CSRF ------------------------------------------------------------------------

  Optional<Sessions.Current> session(Exchange ex) {
    return sessions.current(cookie(ex, SESSION_COOKIE));
  }

  private void setSession(Exchange ex, Sessions.Opened opened) {
    long maxAge = Math.max(0, opened.expiresAt().getEpochSecond() - java.time.Instant.now().getEpochSecond());
    ex.response.addHeader("Set-Cookie", SESSION_COOKIE + "=" + opened.cookie() + "; Path=/; Max-Age=" + maxAge
        + "; HttpOnly; SameSite=Lax" + secure(ex));
  }

  /** A new double-submit token for a form shown before sign-in, also set as a strict cookie. */
  private static String freshCsrfCookie(Exchange ex) {
    String token = randomToken();
    ex.response.addHeader("Set-Cookie", CSRF_COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + secure(ex));
    return token;
  }

  private static boolean doubleSubmitted(Exchange ex, Map<String, List<String>> form) {
    String cookie = cookie(ex, CSRF_COOKIE);
    return cookie != null && same(cookie, field(form, "csrf"));
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String cookie(Exchange ex, String name) {
    jakarta.servlet.http.Cookie[] cookies = ex.request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (jakarta.servlet.http.Cookie c : cookies) {
      if (c.getName().equals(name)) {
        return c.getValue();
      }
    }
    return null;
  }

  private static String secure(Exchange ex) {
    return ex.baseUrl().startsWith("https://") ? "; Secure" : "";
  }

  private static String address(Exchange ex) {
    return ex.clientAddress();
  }

  private static boolean same(String a, String b) {
    return a != null && b != null
        && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static String field(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + html(value) + "\">";
  }

  private static String notice(String message) {
    return message == null ? "" : "<p role=\"alert\">" + html(message) + "</p>";
  }

  static String html(String s) {
    return s == null ? "" : org.arbor.server.web.CardHtml.escape(s);
  }

}
