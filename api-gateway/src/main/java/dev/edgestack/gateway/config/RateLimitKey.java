package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a rate limit counts requests by: one part or a combination, such as {@code client-address},
 * {@code [subject, route]} or {@code header:X-Tenant}.
 */
public record RateLimitKey(List<Part> parts) {
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");

  /** One client-address key, the usual choice for public routes. */
  public static final RateLimitKey CLIENT_ADDRESS = of(Kind.CLIENT_ADDRESS);

  public RateLimitKey {
    parts = List.copyOf(parts);
  }

  public static RateLimitKey of(Kind... kinds) {
    List<Part> parts = new ArrayList<>();
    for (Kind kind : kinds) {
      parts.add(new Part(kind, ""));
    }
    return new RateLimitKey(parts);
  }

  /** The kinds a key part can be. */
  public enum Kind {
    /** The client's address as established by the trusted-proxy rules of {@code forwarded}. */
    CLIENT_ADDRESS,
    /** The authenticated subject ({@code sub}); only on routes with {@code auth: jwt}. */
    SUBJECT,
    /** The token's client ({@code client_id}/{@code azp}), else its subject; jwt routes only. */
    CLIENT,
    /** The route id: one budget for everybody on the route. */
    ROUTE,
    /** A request header's value ({@code header:NAME}); absent headers share one budget. */
    HEADER
  }

  /** One part; {@code header} is the header's name for {@link Kind#HEADER}, else empty. */
  public record Part(Kind kind, String header) {}

  /** Whether the key needs an authenticated identity. */
  public boolean needsIdentity() {
    return parts.stream().anyMatch(p -> p.kind() == Kind.SUBJECT || p.kind() == Kind.CLIENT);
  }

  static RateLimitKey from(ConfigNode node, String key) {
    List<String> names = node.strings(key);
    if (names.isEmpty()) {
      throw node.error(key, null, expected());
    }
    List<Part> parts = new ArrayList<>();
    for (String name : names) {
      Part part = part(node, key, name.trim());
      if (parts.contains(part)) {
        throw node.error(key, name, "each part once");
      }
      parts.add(part);
    }
    return new RateLimitKey(parts);
  }

  private static Part part(ConfigNode node, String key, String name) {
    if (name.toLowerCase(Locale.ROOT).startsWith("header:")) {
      String header = name.substring("header:".length()).trim();
      if (!HEADER.matcher(header).matches()) {
        throw node.error(key, name, "header:NAME with a valid header name");
      }
      return new Part(Kind.HEADER, header.toLowerCase(Locale.ROOT));
    }
    if (name.equals("api-key")) {
      throw node.error(
          key,
          name,
          expected() + " (api-key needs API-key authentication, which does not exist yet)");
    }
    for (Kind kind : Kind.values()) {
      if (kind != Kind.HEADER && ConfigNode.spelling(kind).equals(name)) {
        return new Part(kind, "");
      }
    }
    throw node.error(key, name, expected());
  }

  private static String expected() {
    return "client-address, subject, client, route, header:NAME, or a list of them";
  }
}
