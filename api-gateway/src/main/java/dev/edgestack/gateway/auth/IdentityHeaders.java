package dev.edgestack.gateway.auth;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The headers that tell an upstream who the caller is. Only the gateway may set them: every header
 * starting with {@code X-Auth-} is removed from client requests before anything else looks at them,
 * and so is any spelling with underscores ({@code X_Auth_Subject}), which some servers and CGI
 * bridges read as the same header. A client that names an identity header in {@code Connection}
 * cannot make a hop drop the gateway's copy: Connection is never forwarded, and the gateway sets
 * the identity headers after the hop-by-hop ones are removed.
 */
public final class IdentityHeaders {
  public static final String SUBJECT = "X-Auth-Subject";
  public static final String SCOPES = "X-Auth-Scopes";
  public static final String CLIENT = "X-Auth-Client";
  private static final String PREFIX = "x-auth-";

  private IdentityHeaders() {}

  /** Removes every {@code X-Auth-*} header, whatever its case or its use of underscores. */
  public static void strip(MultiMap headers) {
    // On the data path twice per request: no lower-cased copies, and a list only when needed.
    List<String> names = null;
    for (Map.Entry<String, String> header : headers) {
      if (isIdentityHeader(header.getKey())) {
        if (names == null) {
          names = new ArrayList<>(2);
        }
        names.add(header.getKey());
      }
    }
    if (names != null) {
      names.forEach(headers::remove);
    }
  }

  /** Whether {@code name} starts with {@code x-auth-}, in any case, '_' counting as '-'. */
  static boolean isIdentityHeader(String name) {
    if (name.length() < PREFIX.length()) {
      return false;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      char c = name.charAt(i);
      char expected = PREFIX.charAt(i);
      if (expected == '-' ? c != '-' && c != '_' : Character.toLowerCase(c) != expected) {
        return false;
      }
    }
    return true;
  }

  /** Replaces the identity headers of {@code headers} by those of {@code identity}, if any. */
  public static void apply(Optional<Identity> identity, MultiMap headers) {
    strip(headers);
    identity.ifPresent(
        id -> {
          headers.set(SUBJECT, id.subject());
          List<String> scopes = id.scopes();
          headers.set(SCOPES, scopes.size() == 1 ? scopes.get(0) : String.join(" ", scopes));
          id.client().ifPresent(client -> headers.set(CLIENT, client));
        });
  }
}
