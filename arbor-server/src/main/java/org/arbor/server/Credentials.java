package org.arbor.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.arbor.core.HubException;

/**
 * The token in an {@code Authorization} header: a {@code Bearer} token (the HF clients), or the
 * password of {@code Basic} credentials (git, whose user name is irrelevant, as on the Hub).
 */
public final class Credentials {
  private Credentials() {}

  /** The token, or null when there is no header; a header of another scheme is refused. */
  public static String token(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return null;
    }
    String h = authorization.strip();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return h.substring(7).strip();
    }
    if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? decoded : decoded.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        throw HubException.invalidCredentials();
      }
    }
    throw HubException.invalidCredentials();
  }
}
