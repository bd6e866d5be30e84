package org.arbor.app;

import static org.arbor.app.TestHub.ADMIN_TOKEN;
import static org.arbor.app.TestHub.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Web sign-in: passwords, session cookies, CSRF on every form, failure limits, password change, sign-up. */
class WebSignInTest {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  @TempDir static Path data;
  @TempDir static Path openData;
  static TestHub hub;
  static TestHub open;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start(data);
    open = TestHub.start(openData, Map.of("allow-signup", "true"));
    assertThat(hub.postJson("/api/admin/users", ADMIN_TOKEN, Map.of("name", "pam", "password", "correct horse"))
        .statusCode()).isEqualTo(200);
    assertThat(hub.postJson("/api/admin/users", ADMIN_TOKEN, Map.of("name", "lou", "password", "battery staple"))
        .statusCode()).isEqualTo(200);
    assertThat(hub.postJson("/api/admin/users", hub.bobToken, Map.of("name", "eve", "password", "xxxxxxxxxx"))
        .statusCode()).isEqualTo(403);
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close();
    open.close();
  }

  @Test
  void sign_in_sets_a_hardened_session_cookie_and_sign_out_ends_it() throws Exception {
    String session = signIn(hub, "pam", "correct horse");
    HttpResponse<byte[]> home = get(hub, "/", session);
    assertThat(text(home)).contains("Signed in as <strong>pam</strong>");
    // the cookie is for the pages only: the API wants a token
    assertThat(hub.send(hub.request("/api/whoami-v2", null).header("Cookie", session).GET().build()).statusCode())
        .isEqualTo(401);

    String csrf = csrf(home);
    assertThat(post(hub, "/logout", session, Map.of("csrf", "forged")).statusCode()).isEqualTo(403);
    HttpResponse<byte[]> out = post(hub, "/logout", session, Map.of("csrf", csrf));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(text(get(hub, "/", session))).doesNotContain("Signed in");
  }

  @Test
  void wrong_passwords_are_refused_then_the_account_is_locked_for_a_while() throws Exception {
    HttpResponse<byte[]> form = get(hub, "/login", null);
    String csrfCookie = cookie(form, "arbor_csrf");
    assertThat(post(hub, "/login", null, Map.of("username", "lou", "password", "battery staple")).statusCode())
        .as("no CSRF cookie").isEqualTo(403);
    for (int i = 0; i < 5; i++) {
      HttpResponse<byte[]> wrong = post(hub, "/login", csrfCookie,
          Map.of("username", "lou", "password", "wrong" + i, "csrf", value(csrfCookie)));
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(text(wrong)).contains("Wrong user name or password");
    }
    HttpResponse<byte[]> locked = post(hub, "/login", csrfCookie,
        Map.of("username", "lou", "password", "battery staple", "csrf", value(csrfCookie)));
    assertThat(locked.statusCode()).isEqualTo(429);
    JsonAudit audit = new JsonAudit(hub);
    assertThat(audit.actions("signin.failed")).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void password_change_needs_the_current_password_and_the_page_token() throws Exception {
    hub.postJson("/api/admin/users", ADMIN_TOKEN, Map.of("name", "ray", "password", "first password"));
    String session = signIn(hub, "ray", "first password");
    String csrf = csrf(get(hub, "/settings/password", session));
    assertThat(post(hub, "/settings/password", session,
        Map.of("current", "first password", "password", "second password", "csrf", "nope")).statusCode()).isEqualTo(403);
    assertThat(post(hub, "/settings/password", session,
        Map.of("current", "not it", "password", "second password", "csrf", csrf)).statusCode()).isEqualTo(403);
    assertThat(post(hub, "/settings/password", session,
        Map.of("current", "first password", "password", "short", "csrf", csrf)).statusCode()).isEqualTo(400);
    HttpResponse<byte[]> changed = post(hub, "/settings/password", session,
        Map.of("current", "first password", "password", "second password", "csrf", csrf));
    assertThat(text(changed)).contains("Password changed");
    signIn(hub, "ray", "second password");
  }

  @Test
  void sign_up_only_where_the_instance_allows_it() throws Exception {
    assertThat(get(hub, "/join", null).statusCode()).isEqualTo(403);
    HttpResponse<byte[]> form = get(open, "/join", null);
    assertThat(form.statusCode()).isEqualTo(200);
    String csrfCookie = cookie(form, "arbor_csrf");
    HttpResponse<byte[]> joined = post(open, "/join", csrfCookie,
        Map.of("username", "newbie", "password", "long enough", "email", "n@example.com", "csrf", value(csrfCookie)));
    assertThat(joined.statusCode()).isEqualTo(303);
    assertThat(text(get(open, "/", cookie(joined, "arbor_session")))).contains("newbie");
  }

  @Test
  void a_signed_in_visitor_asks_for_access_from_the_gated_repositorys_page() throws Exception {
    hub.createRepo("gated-page");
    hub.commit("gated-page", Map.of("README.md", "---\nextra_gated_prompt: Agree to the terms\n"
        + "extra_gated_fields:\n  Company: text\n  I agree: checkbox\n---\n"));
    assertThat(hub.send(hub.request("/api/models/admin/gated-page/settings", ADMIN_TOKEN)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"gated\":\"manual\"}"))
        .build()).statusCode()).isEqualTo(200);

    assertThat(text(get(hub, "/admin/gated-page/ask-access", null))).contains("Agree to the terms").contains("Sign in");
    hub.postJson("/api/admin/users", ADMIN_TOKEN, Map.of("name", "kim", "password", "kim's password"));
    String session = signIn(hub, "kim", "kim's password");
    HttpResponse<byte[]> form = get(hub, "/admin/gated-page/ask-access", session);
    assertThat(text(form)).contains("name=\"Company\"").contains("type=\"checkbox\" name=\"I agree\"");

    assertThat(post(hub, "/admin/gated-page/ask-access", session, Map.of("Company", "Acme", "csrf", "forged"))
        .statusCode()).isEqualTo(403);
    assertThat(post(hub, "/admin/gated-page/ask-access", null, Map.of("Company", "Acme")).statusCode()).isEqualTo(401);
    HttpResponse<byte[]> asked = post(hub, "/admin/gated-page/ask-access", session,
        Map.of("Company", "Acme", "I agree", "yes", "csrf", csrf(form)));
    assertThat(asked.statusCode()).isEqualTo(200);
    assertThat(text(asked)).contains("sent to the repository").contains("pending");

    JsonNode pending = TestHub.json(hub.get("/api/models/admin/gated-page/user-access-request/pending", ADMIN_TOKEN));
    assertThat(pending.get(0).get("user").get("user").asText()).isEqualTo("kim");
    assertThat(pending.get(0).get("fields").get("Company").asText()).isEqualTo("Acme");
    assertThat(pending.get(0).get("fields").get("I agree").asText()).isEqualTo("yes");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static String signIn(TestHub h, String user, String password) throws Exception {
    String csrfCookie = cookie(get(h, "/login", null), "arbor_csrf");
    HttpResponse<byte[]> r = post(h, "/login", csrfCookie,
        Map.of("username", user, "password", password, "csrf", value(csrfCookie)));
    assertThat(r.statusCode()).as(text(r)).isEqualTo(303);
    String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("arbor_session=")).findFirst()
        .orElseThrow();
    assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax");
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  static HttpResponse<byte[]> get(TestHub h, String path, String cookie) throws Exception {
    HttpRequest.Builder b = h.request(path, null).GET();
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return h.send(b.build());
  }

  static HttpResponse<byte[]> post(TestHub h, String path, String cookie, Map<String, String> form) throws Exception {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest.Builder b = h.request(path, null).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return h.send(b.build());
  }

  static String cookie(HttpResponse<?> r, String name) {
    String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " cookie"));
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  static String value(String cookie) {
    return cookie.substring(cookie.indexOf('=') + 1);
  }

  static String csrf(HttpResponse<byte[]> page) {
    Matcher m = CSRF.matcher(text(page));
    assertThat(m.find()).as("a csrf field in %s", text(page)).isTrue();
    return m.group(1);
  }

  /** The audit log as an admin reads it. */
  record JsonAudit(TestHub hub) {
    List<String> actions(String action) throws Exception {
      return TestHub.json(hub.get("/api/admin/audit?action=" + action, ADMIN_TOKEN)).findValuesAsText("action");
    }
  }
}
