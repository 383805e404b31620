package dev.edgestack.gateway.breaker;

import dev.edgestack.balancer.Ticker;
import dev.edgestack.gateway.config.CircuitBreakerConfig;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breakers of the gateway's upstreams, one per upstream that configures one; proxied
 * and composed calls both go through {@link #guard}. Exports {@code
 * edge_gateway_circuit_state{upstream}} (0 closed, 1 half-open, 2 open) and {@code
 * edge_gateway_circuit_transitions_total{upstream, from, to}}, and logs each state change once.
 */
public final class CircuitBreakers {
  private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakers.class);
  // Failures that say the upstream is unwell. A local rejection (pool at its limit, no healthy
  // endpoint: the pool's own health handling), a client that left, or a 4xx say nothing.
  private static final Set<FailureKind> UPSTREAM_FAILURES =
      Set.of(
          FailureKind.CONNECT_FAILED,
          FailureKind.UPSTREAM_TIMEOUT,
          FailureKind.UPSTREAM_RESET,
          FailureKind.BAD_UPSTREAM_RESPONSE);

  private final Map<String, CircuitBreaker> breakers;

  private CircuitBreakers(Map<String, CircuitBreaker> breakers) {
    this.breakers = breakers;
  }

  /** No breaker anywhere: every call goes straight through. */
  public static CircuitBreakers none() {
    return new CircuitBreakers(Map.of());
  }

  /** One breaker per entry of {@code configs} (upstream name to its config). */
  public static CircuitBreakers create(
      Map<String, CircuitBreakerConfig> configs, MeterRegistry registry, Ticker ticker) {
    Map<String, CircuitBreaker> breakers = new TreeMap<>();
    configs.forEach(
        (upstream, config) -> {
          CircuitBreaker breaker =
              new CircuitBreaker(
                  config, ticker, (from, to) -> changed(registry, upstream, from, to));
          Gauge.builder("edge_gateway_circuit_state", breaker, b -> b.state().gaugeValue())
              .description("Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open")
              .tag("upstream", upstream)
              .register(registry);
          breakers.put(upstream, breaker);
        });
    return new CircuitBreakers(Map.copyOf(breakers));
  }

  private static void changed(
      MeterRegistry registry, String upstream, CircuitState from, CircuitState to) {
    Counter.builder("edge_gateway_circuit_transitions")
        .description("Circuit breaker state changes per upstream")
        .tag("upstream", upstream)
        .tag("from", ConfigNode.spelling(from))
        .tag("to", ConfigNode.spelling(to))
        .register(registry)
        .increment();
    if (to == CircuitState.OPEN) {
      LOG.warn("upstream {}: circuit {} -> open, calls are answered 503 at once", upstream, from);
    } else {
      LOG.info(
          "upstream {}: circuit {} -> {}",
          upstream,
          ConfigNode.spelling(from),
          ConfigNode.spelling(to));
    }
  }

  /** The breaker of {@code upstream}, if it has one. */
  public Optional<CircuitBreaker> of(String upstream) {
    return Optional.ofNullable(breakers.get(upstream));
  }

  /**
   * Runs {@code call} through the upstream's breaker: while the breaker is open it fails at once
   * with a 503 ({@code UNAVAILABLE}, {@code Retry-After}) without calling; else the call's outcome
   * ({@code statusOf} its result, or its failure) is recorded.
   */
  public <T> Future<T> guard(String upstream, Supplier<Future<T>> call, ToIntFunction<T> statusOf) {
    CircuitBreaker breaker = breakers.get(upstream);
    if (breaker == null) {
      return call.get();
    }
    CircuitPermit permit = breaker.tryAcquire();
    if (!permit.admitted()) {
      return Future.failedFuture(open(upstream, permit));
    }
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      breaker.record(permit, CallOutcome.IGNORED);
      throw e;
    }
    return result.andThen(done -> breaker.record(permit, outcome(done, statusOf)));
  }

  /** A call admitted by a breaker, whose outcome is reported once it is known. */
  @FunctionalInterface
  public interface Call {
    Call UNGUARDED = (status, failure) -> {};

    /** {@code failure} is the kind of the call's failure, or null when an answer came back. */
    void done(int status, FailureKind failure);
  }

  /**
   * {@link #guard} for a caller that learns the outcome later (the relay): the call to report the
   * outcome to, or, while the breaker is open, the failure to answer with.
   */
  public Future<Call> admit(String upstream) {
    CircuitBreaker breaker = breakers.get(upstream);
    if (breaker == null) {
      return UNGUARDED_CALL;
    }
    CircuitPermit permit = breaker.tryAcquire();
    if (!permit.admitted()) {
      return Future.failedFuture(open(upstream, permit));
    }
    return Future.succeededFuture(
        (status, failure) ->
            breaker.record(
                permit,
                failure == null
                    ? status >= 500 ? CallOutcome.FAILURE : CallOutcome.SUCCESS
                    : UPSTREAM_FAILURES.contains(failure)
                        ? CallOutcome.FAILURE
                        : CallOutcome.IGNORED));
  }

  private static final Future<Call> UNGUARDED_CALL = Future.succeededFuture(Call.UNGUARDED);

  private static EdgeFailure open(String upstream, CircuitPermit permit) {
    long seconds = Math.max(1, (permit.retryAfter().toMillis() + 999) / 1000);
    return EdgeFailure.of(
            FailureKind.UNAVAILABLE, "The circuit breaker of upstream " + upstream + " is open")
        .withHeader("Retry-After", Long.toString(seconds));
  }

  private static <T> CallOutcome outcome(AsyncResult<T> done, ToIntFunction<T> statusOf) {
    if (done.succeeded()) {
      return statusOf.applyAsInt(done.result()) >= 500 ? CallOutcome.FAILURE : CallOutcome.SUCCESS;
    }
    return done.cause() instanceof EdgeFailure failure && UPSTREAM_FAILURES.contains(failure.kind())
        ? CallOutcome.FAILURE
        : CallOutcome.IGNORED;
  }
}
