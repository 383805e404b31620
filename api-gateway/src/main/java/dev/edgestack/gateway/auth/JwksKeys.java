package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.config.JwtConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys: fetched at start-up (retried with backoff until the first success),
 * refreshed in the background every {@code refreshInterval}, refreshed early on an unknown key id
 * at most once per {@code unknownKeyRefreshInterval}, and kept while the issuer is unreachable. A
 * new key set is swapped in atomically; requests never wait for a scheduled refresh.
 */
public final class JwksKeys {
  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final JwtConfig config;
  private final JwksSource source;
  private final Clock clock;
  private final AtomicReference<KeySet> current = new AtomicReference<>();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final Counter refreshed;
  private final Counter refreshFailed;
  private final Object lock = new Object();
  private Future<Optional<KeySet>> inFlight;
  private long lastUnknownKeyRefreshMillis = Long.MIN_VALUE;
  private Duration retryDelay = FIRST_RETRY;
  private long timerId = -1;
  private boolean closed;
  private volatile Runnable onKeysRemoved = () -> {};

  public JwksKeys(
      Vertx vertx, JwtConfig config, JwksSource source, Clock clock, MeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.source = source;
    this.clock = clock;
    this.refreshed = refreshCounter(registry, config.issuer(), "success");
    this.refreshFailed = refreshCounter(registry, config.issuer(), "failure");
    Gauge.builder("edge_jwks_keys", current, ref -> ref.get() == null ? 0 : ref.get().size())
        .description("Usable signing keys currently loaded from the JWKS")
        .tag("issuer", config.issuer())
        .register(registry);
  }

  private static Counter refreshCounter(MeterRegistry registry, String issuer, String outcome) {
    return Counter.builder("edge_jwks_refreshes")
        .description("JWKS fetches by issuer and outcome")
        .tag("issuer", issuer)
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Starts the first fetch and the refresh schedule; readiness follows {@link #loaded()}. */
  public void start() {
    scheduledRefresh();
  }

  /** Whether keys have been loaded at least once. */
  public boolean loaded() {
    return current.get() != null;
  }

  Optional<KeySet> current() {
    return Optional.ofNullable(current.get());
  }

  /** Called after a refresh that dropped a key id, so that cached verifications are forgotten. */
  void onKeysRemoved(Runnable action) {
    this.onKeysRemoved = action;
  }

  /**
   * A refresh for a token whose key id is unknown, unless one happened within {@code
   * unknownKeyRefreshInterval}; completes with the keys to verify against (maybe still without it).
   */
  Future<Optional<KeySet>> refreshForUnknownKey() {
    synchronized (lock) {
      long now = clock.millis();
      long interval = config.unknownKeyRefreshInterval().toMillis();
      if (inFlight == null
          && lastUnknownKeyRefreshMillis != Long.MIN_VALUE
          && now - lastUnknownKeyRefreshMillis < interval) {
        return Future.succeededFuture(current());
      }
      lastUnknownKeyRefreshMillis = now;
    }
    return refresh().otherwise(ignored -> current());
  }

  /** Stops the schedule; an in-flight fetch completes without effect on the schedule. */
  public void close() {
    synchronized (lock) {
      closed = true;
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
    }
  }

  private void scheduledRefresh() {
    refresh()
        .onComplete(
            result -> {
              Duration next;
              synchronized (lock) {
                if (result.succeeded()) {
                  retryDelay = FIRST_RETRY;
                  next = config.refreshInterval();
                } else if (current.get() == null) {
                  next = retryDelay;
                  retryDelay = min(retryDelay.multipliedBy(2), cap());
                } else {
                  next = cap();
                }
                if (closed) {
                  return;
                }
                timerId = vertx.setTimer(next.toMillis(), id -> scheduledRefresh());
              }
            });
  }

  private Duration cap() {
    return min(MAX_RETRY, config.refreshInterval());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** One fetch at a time: concurrent callers share it. */
  private Future<Optional<KeySet>> refresh() {
    Promise<Optional<KeySet>> promise;
    synchronized (lock) {
      if (inFlight != null) {
        return inFlight;
      }
      promise = Promise.promise();
      inFlight = promise.future();
    }
    Future<Optional<KeySet>> outcome;
    try {
      outcome = source.fetch().map(this::install);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(
        result -> {
          synchronized (lock) {
            inFlight = null;
          }
          if (result.failed()) {
            recordFailure(result.cause());
          }
          promise.handle(result);
        });
    return promise.future();
  }

  private Optional<KeySet> install(JsonObject document) {
    List<JsonObject> keys =
        JwksDocument.usableKeys(document, config.algorithms(), config.jwksUrl().isEmpty());
    if (keys.isEmpty()) {
      throw new IllegalStateException(
          "the JWKS holds no signature key for algorithms " + config.algorithms());
    }
    Map<String, String> algorithmByKeyId = new HashMap<>();
    Set<String> algorithms = new HashSet<>();
    for (JsonObject key : keys) {
      algorithms.add(key.getString("alg"));
      Optional.ofNullable(key.getString("kid"))
          .ifPresent(kid -> algorithmByKeyId.put(kid, key.getString("alg")));
    }
    Set<String> keyIds = algorithmByKeyId.keySet();
    JWTAuth verifier =
        JWTAuth.create(vertx, new JWTAuthOptions().setJwks(keys).setJWTOptions(jwtOptions()));
    KeySet next = new KeySet(verifier, algorithmByKeyId, algorithms, keys.size());
    KeySet previous = current.getAndSet(next);
    refreshed.increment();
    if (previous == null || failing.compareAndSet(true, false)) {
      LOG.info("JWKS loaded from {}: {} usable key(s) {}", config.keySource(), next.size(), keyIds);
    }
    if (previous != null && !keyIds.containsAll(previous.keyIds())) {
      onKeysRemoved.run();
    }
    return Optional.of(next);
  }

  private JWTOptions jwtOptions() {
    return new JWTOptions()
        .setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setLeeway((int) config.clockSkew().toSeconds())
        .setAlgorithm(config.algorithms().get(0));
  }

  private void recordFailure(Throwable cause) {
    refreshFailed.increment();
    if (failing.compareAndSet(false, true)) {
      KeySet keys = current.get();
      LOG.warn(
          "JWKS refresh from {} failed ({}); {}",
          config.keySource(),
          cause.getMessage(),
          keys == null
              ? "no keys yet: routes with auth jwt answer 503 until a fetch succeeds"
              : "keeping " + keys.size() + " cached key(s)");
    }
  }
}
