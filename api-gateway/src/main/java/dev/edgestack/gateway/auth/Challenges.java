package dev.edgestack.gateway.auth;

import java.util.List;

/** {@code WWW-Authenticate} values of the Bearer scheme (RFC 6750 section 3). */
final class Challenges {
  static final String HEADER = "WWW-Authenticate";

  private Challenges() {}

  /** No credentials, or credentials of another scheme: no error code (RFC 6750 section 3.1). */
  static String bearer(String realm) {
    return "Bearer realm=\"" + realm + "\"";
  }

  static String invalidToken(String realm, String description) {
    return bearer(realm)
        + ", error=\"invalid_token\", error_description=\""
        + quotable(description)
        + "\"";
  }

  static String insufficientScope(String realm, List<String> scopes) {
    return bearer(realm)
        + ", error=\"insufficient_scope\", scope=\""
        + quotable(String.join(" ", scopes))
        + "\"";
  }

  private static String quotable(String text) {
    StringBuilder safe = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      safe.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '_');
    }
    return safe.toString();
  }
}
