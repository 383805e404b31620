package dev.edgestack.samples;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.process.EdgeContext;
import dev.edgestack.runtime.security.DemoSigningKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo token issuer: {@code GET /.well-known/jwks.json} publishes its RS256 public key as
 * {@code {"keys": [jwk]}} (cacheable for 5 minutes), and {@code POST /token} signs a token with
 * {@code iss}, {@code aud}, {@code sub}, {@code scope}, {@code iat}, {@code nbf}, {@code exp} and
 * {@code jti}, answering {@code {"access_token", "token_type": "Bearer", "expires_in", "scope"}}.
 *
 * <p>It is for compose users without the launcher; {@code bin/edge-stack token} signs with the same
 * key file.
 */
final class IssuerApi implements ServiceRoutes {
  static final String JWKS_PATH = "/.well-known/jwks.json";
  static final String JWKS_CACHE_CONTROL = "public, max-age=300";

  private final Vertx vertx;
  private final IssuerConfig config;
  private final DemoSigningKey key;
  private final Clock clock;
  private final JsonObject jwks;

  private IssuerApi(Vertx vertx, IssuerConfig config, DemoSigningKey key, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.key = key;
    this.clock = clock;
    this.jwks = new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.publicJwk())));
  }

  /**
   * Loads (or creates) the signing key off the event loop; readiness stays DOWN until it is loaded.
   * An unusable key file fails start-up with a config error naming the file and key.
   */
  static Future<IssuerApi> start(EdgeContext context, IssuerConfig config) {
    AtomicReference<DemoSigningKey> loaded = new AtomicReference<>();
    context
        .readiness()
        .register(
            "signing-key",
            promise -> promise.complete(loaded.get() != null ? Status.OK() : Status.KO()));
    return loadKey(context.vertx(), config)
        .map(
            key -> {
              loaded.set(key);
              return new IssuerApi(context.vertx(), config, key, Clock.systemUTC());
            });
  }

  /** Loads or creates the key file on a worker thread; failures name the file and key. */
  static Future<DemoSigningKey> loadKey(Vertx vertx, IssuerConfig config) {
    return vertx
        .executeBlocking(() -> DemoSigningKey.loadOrCreate(config.signingKeyFile()), false)
        .recover(failure -> Future.failedFuture(config.unusableKeyFile(failure)));
  }

  @Override
  public void mount(Router router) {
    router.get(JWKS_PATH).handler(this::jwks);
    router.post("/token").handler(this::token);
  }

  private void jwks(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", JWKS_CACHE_CONTROL);
    Routing.json(ctx, jwks);
  }

  private void token(RoutingContext ctx) {
    TokenRequest request;
    try {
      request = TokenRequest.from(Routing.jsonBody(ctx), config.defaultTtl());
    } catch (IllegalArgumentException e) {
      throw EdgeFailure.of(FailureKind.BAD_REQUEST, e.getMessage());
    }
    long now = clock.instant().getEpochSecond();
    long ttl = request.ttl().toSeconds();
    JsonObject claims =
        new JsonObject()
            .put("iss", config.issuer())
            .put("aud", config.audience())
            .put("sub", request.subject())
            .put("scope", request.scope())
            .put("iat", now)
            .put("nbf", now)
            .put("exp", now + ttl)
            .put("jti", UUID.randomUUID().toString());
    // An RSA signature costs about a millisecond: keep it off the event loop.
    vertx
        .executeBlocking(() -> key.signJwt(claims.encode()), false)
        .onSuccess(
            token -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              Routing.json(
                  ctx,
                  new JsonObject()
                      .put("access_token", token)
                      .put("token_type", "Bearer")
                      .put("expires_in", ttl)
                      .put("scope", request.scope()));
            })
        .onFailure(ctx::fail);
  }
}
