package org.arbor.server.git;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.arbor.core.ErrorCode;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.server.Credentials;
import org.arbor.service.Accounts;
import org.arbor.service.Caller;
import org.arbor.service.GitTransport;

/**
 * Authenticates and authorises git's smart-HTTP requests before JGit serves them. A token is the
 * password of Basic auth (any user name) or a Bearer header. Anyone without access to a private
 * repository is told it does not exist; a caller without credentials gets a 401 Basic challenge
 * first, so git asks its credential helper.
 */
final class GitAuthFilter extends HttpFilter {
  static final String OPENED = GitAuthFilter.class.getName() + ".opened";
  static final String CALLER = GitAuthFilter.class.getName() + ".caller";

  private final transient Accounts accounts;
  private final transient GitTransport transport;

  GitAuthFilter(Accounts accounts, GitTransport transport) {
    this.accounts = accounts;
    this.transport = transport;
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Optional<GitRequest> git = GitRequest.parse(request.getRequestURI(), request.getQueryString());
    if (git.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    GitRequest g = git.get();
    Caller caller = Caller.ANONYMOUS;
    try {
      caller = accounts.authenticate(Credentials.token(request.getHeader("Authorization")));
      GitTransport.Opened opened = transport.open(caller, g.type(), new RepoId(g.namespace(), g.name()), g.push());
      request.setAttribute(OPENED, opened);
      request.setAttribute(CALLER, caller);
    } catch (HubException e) {
      refuse(response, e, caller);
      return;
    }
    chain.doFilter(request, response);
  }

  /** git prints the body of an error after "remote:"; a 401 with a challenge makes it ask for credentials. */
  private static void refuse(HttpServletResponse response, HubException e, Caller caller) throws IOException {
    int status = e.code().httpStatus();
    String message = e.getMessage();
    if (e.code() == ErrorCode.REPO_NOT_FOUND_UNAUTHENTICATED || (status == 401)) {
      status = 401;
      response.setHeader("WWW-Authenticate", "Basic realm=\"Arbor\", charset=\"UTF-8\"");
    } else if (e.code() == ErrorCode.REPO_NOT_FOUND) {
      message = "Repository not found";
    }
    e.code().hfCode().ifPresent(code -> response.setHeader("X-Error-Code", code));
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("text/plain; charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
