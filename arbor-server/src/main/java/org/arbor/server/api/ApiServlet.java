package org.arbor.server.api;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.arbor.core.HubException;
import org.arbor.service.Accounts;

/**
 * The entry point of every Hub API request: request ids, CORS, then the route table; failures go
 * to {@link ApiErrors}. Routing works on the raw request URI, because clients send {@code %2F}
 * inside revisions and paths.
 */
public final class ApiServlet extends HttpServlet {
  private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:=;/+-]{1,200}");

  private final transient ApiRoutes routes;
  private final transient Accounts accounts;
  private final String publicUrl;

  public ApiServlet(ApiHandlers handlers, Accounts accounts, String publicUrl) {
    this.routes = new ApiRoutes(handlers);
    this.accounts = accounts;
    this.publicUrl = publicUrl == null ? null : stripSlash(publicUrl);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String requestId = requestId(request);
    response.setHeader(HfHeaders.X_REQUEST_ID, requestId);
    Exchange ex = new Exchange(request, response, baseUrl(request), accounts::authenticate);
    try {
      commonHeaders(ex);
      if (ex.method().equals("OPTIONS")) {
        preflight(ex);
        return;
      }
      if (!routes.handle(ex)) {
        throw new HubException(org.arbor.core.ErrorCode.ENTRY_NOT_FOUND, "Not found: " + ex.method() + " "
            + request.getRequestURI());
      }
    } catch (HubException e) {
      ApiErrors.write(ex, e);
    } catch (org.eclipse.jetty.io.EofException e) {
      // the client went away mid-transfer; nothing to answer
    } catch (IOException | RuntimeException e) {
      if (isClientAbort(e)) {
        return;
      }
      ApiErrors.unexpected(ex, requestId, e);
    }
  }

  static void commonHeaders(Exchange ex) {
    ex.header("Access-Control-Allow-Origin", "*");
    ex.header("Access-Control-Expose-Headers", HfHeaders.EXPOSED);
  }

  private static void preflight(Exchange ex) {
    ex.header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
    ex.header("Access-Control-Allow-Headers", "Authorization, Range, Content-Type, X-Request-Id, Accept");
    ex.header("Access-Control-Max-Age", "86400");
    ex.response.setStatus(204);
  }

  /** The public URL for absolute links: configured, or the scheme and Host the client used. */
  private String baseUrl(HttpServletRequest request) {
    if (publicUrl != null) {
      return publicUrl;
    }
    String host = request.getHeader("Host");
    if (host == null || host.isBlank()) {
      host = request.getServerName() + ":" + request.getServerPort();
    }
    return request.getScheme() + "://" + host;
  }

  /** The client's own request id if it sent a sane one (huggingface_hub sends X-Amzn-Trace-Id). */
  private static String requestId(HttpServletRequest request) {
    for (String name : new String[] {HfHeaders.X_REQUEST_ID, HfHeaders.X_AMZN_TRACE_ID}) {
      String value = request.getHeader(name);
      if (value != null && SAFE_REQUEST_ID.matcher(value).matches()) {
        return value;
      }
    }
    return UUID.randomUUID().toString();
  }

  private static boolean isClientAbort(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.jetty.io.EofException
          || (t instanceof IOException && String.valueOf(t.getMessage()).contains("Broken pipe"))
          || (t instanceof IOException && String.valueOf(t.getMessage()).contains("Connection reset"))) {
        return true;
      }
    }
    return false;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
