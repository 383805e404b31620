package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.auth.AuthMetrics.Outcome;
import dev.edgestack.gateway.config.AuthMode;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The authentication step. Public routes pass with no identity. Other routes need what their {@link
 * AuthMode} accepts: exactly one {@code Authorization: Bearer} header with a valid JWT, and/or
 * exactly one API key header; 401 with a challenge otherwise, 400 for a repeated header or for both
 * credentials at once. A token in the query string ({@code access_token}) is never accepted: it
 * would end up in access logs and browser histories. The API key header is removed once read, so
 * the key never reaches an upstream.
 */
public final class Authenticator {
  private static final String QUERY_TOKEN = "access_token";
  private static final String[] SPELLINGS =
      Arrays.stream(AuthMode.values()).map(ConfigNode::spelling).toArray(String[]::new);

  private final Optional<TrustedIssuers> verifier;
  private final Optional<ApiKeys> apiKeys;
  private final String realm;
  private final AuthMetrics metrics;

  public Authenticator(
      Optional<TrustedIssuers> verifier,
      Optional<ApiKeys> apiKeys,
      String realm,
      AuthMetrics metrics) {
    this.verifier = verifier;
    this.apiKeys = apiKeys;
    this.realm = realm;
    this.metrics = metrics;
  }

  public Future<Optional<Identity>> authenticate(RouteConfig route, HttpServerRequest request) {
    return authenticate(route, request.headers(), request.query());
  }

  /**
   * Authenticates a request by its headers and raw query (null when none); removes the API key
   * header from {@code headers}, so that it never reaches an upstream.
   */
  public Future<Optional<Identity>> authenticate(
      RouteConfig route, MultiMap headers, String rawQuery) {
    AuthMode mode = route.auth();
    if (mode == AuthMode.NONE) {
      return Future.succeededFuture(Optional.empty());
    }
    String method = SPELLINGS[mode.ordinal()];
    if ((mode.acceptsJwt() && verifier.isEmpty()) || (mode.acceptsApiKey() && apiKeys.isEmpty())) {
      // Config validation forbids this; answering 500 beats letting the request through.
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.INTERNAL, "Route " + route.id() + " has no verifier"));
    }
    List<String> keyValues = List.of();
    if (apiKeys.isPresent()) {
      String keyHeader = apiKeys.get().header();
      keyValues = headers.getAll(keyHeader);
      headers.remove(keyHeader);
    }
    BearerCredentials bearer = BearerCredentials.from(headers);
    List<String> queryTokens =
        mayHaveQueryToken(rawQuery) ? queryParameter(rawQuery, QUERY_TOKEN) : List.of();
    boolean hasQueryToken = !queryTokens.isEmpty();

    if (bearer.kind() == BearerCredentials.Kind.DUPLICATE || keyValues.size() > 1) {
      return fail(
          route, method, Outcome.BAD_REQUEST, badRequest("A credential header is repeated"));
    }
    boolean hasBearer = bearer.kind() != BearerCredentials.Kind.MISSING;
    boolean hasKey = !keyValues.isEmpty();
    if (mode == AuthMode.JWT_OR_API_KEY && hasKey && hasBearer) {
      return fail(
          route, method, Outcome.BAD_REQUEST, badRequest("Send a bearer token or an API key"));
    }
    if (hasQueryToken && route.access().queryToken()) {
      if (hasBearer || hasKey || queryTokens.size() > 1) {
        // RFC 6750 section 2: a client must not use more than one method per request.
        return fail(route, method, Outcome.BAD_REQUEST, badRequest("Send exactly one credential"));
      }
      return bearer(route, BearerCredentials.ofToken(queryTokens.get(0)));
    }
    if (hasQueryToken && !hasBearer && !hasKey) {
      return fail(
          route,
          method,
          Outcome.INVALID,
          unauthenticated("Tokens in the query string are not accepted", Optional.empty()));
    }
    if (mode.acceptsApiKey() && hasKey) {
      return apiKey(route, keyValues.get(0));
    }
    if (mode.acceptsJwt()) {
      return bearer(route, bearer);
    }
    return fail(route, Identity.API_KEY, Outcome.MISSING, missingKey());
  }

  private Future<Optional<Identity>> bearer(RouteConfig route, BearerCredentials credentials) {
    return switch (credentials.kind()) {
      case MISSING, OTHER_SCHEME ->
          fail(
              route,
              Identity.JWT,
              Outcome.MISSING,
              unauthenticated("A bearer token is required", Optional.empty()));
      case DUPLICATE ->
          fail(route, Identity.JWT, Outcome.BAD_REQUEST, badRequest("More than one Authorization"));
      case MALFORMED ->
          fail(
              route,
              Identity.JWT,
              Outcome.INVALID,
              unauthenticated("Malformed bearer token", Optional.of("malformed token")));
      case PRESENT -> present(route, credentials.token().orElseThrow());
    };
  }

  private Future<Optional<Identity>> present(RouteConfig route, String token) {
    TrustedIssuers issuers = verifier.get();
    TokenCache.Verified cached = issuers.cached(token);
    // A cached token: the answer made when it was verified, no further futures or optionals.
    return cached != null ? cached.authenticated() : verified(route, issuers.verify(token));
  }

  private Future<Optional<Identity>> verified(RouteConfig route, Future<Identity> verification) {
    if (verification.succeeded()) {
      // A cached token: no further futures for what is already known.
      return Future.succeededFuture(Optional.of(verification.result()));
    }
    return verification
        .<Optional<Identity>>map(Optional::of)
        .onFailure(
            error ->
                metrics.record(
                    route.id(),
                    Identity.JWT,
                    error instanceof EdgeFailure failure
                            && failure.kind() == FailureKind.UNAVAILABLE
                        ? Outcome.UNAVAILABLE
                        : Outcome.INVALID));
  }

  /**
   * Whether the query may name {@code access_token}: without a query, or with one that spells no
   * part of it even percent-encoded, the parameters need not be decoded.
   */
  /** The decoded values of the query parameter {@code name}; none when the query is malformed. */
  private static List<String> queryParameter(String query, String name) {
    try {
      return new QueryStringDecoder(query, StandardCharsets.UTF_8, false)
          .parameters()
          .getOrDefault(name, List.of());
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /**
   * {@code rawQuery} without its {@code access_token} parameters (however their name is encoded),
   * null when nothing is left: a route that takes its token from the query never passes the
   * credential on, as it never passes an API key header on.
   */
  public static String withoutQueryToken(String rawQuery) {
    if (!mayHaveQueryToken(rawQuery)) {
      return rawQuery;
    }
    StringBuilder kept = new StringBuilder(rawQuery.length());
    for (String parameter : rawQuery.split("&", -1)) {
      int equals = parameter.indexOf('=');
      String name = equals < 0 ? parameter : parameter.substring(0, equals);
      String decoded;
      try {
        decoded = QueryStringDecoder.decodeComponent(name, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = name;
      }
      if (decoded.equals(QUERY_TOKEN) || parameter.isEmpty()) {
        continue;
      }
      if (kept.length() > 0) {
        kept.append('&');
      }
      kept.append(parameter);
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  private static boolean mayHaveQueryToken(String query) {
    return query != null
        && !query.isEmpty()
        && (query.contains(QUERY_TOKEN) || query.indexOf('%') >= 0);
  }

  private Future<Optional<Identity>> apiKey(RouteConfig route, String key) {
    Optional<Identity> identity = apiKeys.get().identify(key.trim());
    if (identity.isEmpty()) {
      return fail(
          route,
          Identity.API_KEY,
          Outcome.INVALID,
          EdgeFailure.of(FailureKind.UNAUTHENTICATED, "Unknown API key")
              .withHeader(Challenges.HEADER, apiKeyChallenge()));
    }
    return Future.succeededFuture(identity);
  }

  private EdgeFailure missingKey() {
    return EdgeFailure.of(
            FailureKind.UNAUTHENTICATED, "An API key is required in " + apiKeys.get().header())
        .withHeader(Challenges.HEADER, apiKeyChallenge());
  }

  private String apiKeyChallenge() {
    return "ApiKey realm=\"" + realm + "\", header=\"" + apiKeys.get().header() + "\"";
  }

  private EdgeFailure unauthenticated(String detail, Optional<String> error) {
    return EdgeFailure.of(FailureKind.UNAUTHENTICATED, detail)
        .withHeader(
            Challenges.HEADER,
            error.map(e -> Challenges.invalidToken(realm, e)).orElse(Challenges.bearer(realm)));
  }

  private static EdgeFailure badRequest(String detail) {
    return EdgeFailure.of(FailureKind.BAD_REQUEST, detail);
  }

  private <T> Future<T> fail(RouteConfig route, String method, Outcome outcome, EdgeFailure error) {
    metrics.record(route.id(), method, outcome);
    return Future.failedFuture(error);
  }
}
