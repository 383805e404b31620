package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route asks of an authenticated caller beyond its {@code scopes}: whether all or any of
 * them are needed, and claim values the token must carry (a string claim equal to the value, or an
 * array claim containing it). API keys carry no claims, so a route with required claims only admits
 * JWTs.
 *
 * <pre>
 * scopes: [accounts:read, accounts:admin]
 * scopesMatch: any          # default all
 * claims: {tenant: acme}    # every listed claim must match
 * queryToken: true          # default false: also take a JWT from ?access_token=
 * </pre>
 *
 * <p>{@code queryToken} exists for clients that cannot set headers (WebSocket or EventSource in a
 * browser); such tokens end up in logs and histories, so it is off unless a route asks for it.
 */
public record AccessRule(ScopeMatch scopesMatch, Map<String, String> claims, boolean queryToken) {
  /** How a route's scopes are matched against the granted ones. */
  public enum ScopeMatch {
    ALL,
    ANY
  }

  /** All scopes, no claims: what a route without these keys asks. */
  public static final AccessRule DEFAULT = new AccessRule(ScopeMatch.ALL, Map.of(), false);

  public AccessRule {
    claims = Map.copyOf(claims);
  }

  static AccessRule from(ConfigNode node, AuthMode auth) {
    ScopeMatch match = node.enumValue("scopesMatch", ScopeMatch.class, ScopeMatch.ALL);
    Map<String, String> claims =
        node.has("claims") ? new LinkedHashMap<>(node.stringMap("claims")) : Map.of();
    if (!claims.isEmpty() && !auth.acceptsJwt()) {
      throw node.error("claims", claims.keySet(), "claims only on routes that accept a jwt");
    }
    for (String name : claims.keySet()) {
      if (name.isBlank()) {
        throw node.error("claims", name, "claim names that are not blank");
      }
    }
    boolean queryToken = node.bool("queryToken", false);
    if (queryToken && !auth.acceptsJwt()) {
      throw node.error("queryToken", true, "queryToken only on routes that accept a jwt");
    }
    return new AccessRule(match, claims, queryToken);
  }
}
