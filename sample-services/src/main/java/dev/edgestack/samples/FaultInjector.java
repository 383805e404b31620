package dev.edgestack.samples;

import dev.edgestack.runtime.failure.EdgeFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a replica misbehave on purpose: a route handler on the HTTP port that delays, fails, resets
 * or swallows requests as the current {@link Faults} say. The admin port never passes through it.
 *
 * <p>Counts what it does in {@code sample_faults_injected_total{action}}.
 */
final class FaultInjector implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

  private final Vertx vertx;
  private final Random random;
  private final String instance;
  private final Map<FaultAction, Counter> counters = new EnumMap<>(FaultAction.class);
  private final Counter delayed;
  // Swapped whole; each request reads it once, so it sees one consistent set of faults.
  private volatile Faults faults = Faults.NONE;

  FaultInjector(Vertx vertx, Random random, MeterRegistry registry, String instance) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.random = Objects.requireNonNull(random, "random");
    this.instance = Objects.requireNonNull(instance, "instance");
    for (FaultAction action : FaultAction.values()) {
      if (action != FaultAction.PASS) {
        counters.put(action, counter(registry, action.tag()));
      }
    }
    this.delayed = counter(registry, "latency");
  }

  private static Counter counter(MeterRegistry registry, String action) {
    return Counter.builder("sample_faults_injected")
        .description("Requests on the HTTP port that an injected fault acted on, by action")
        .tag("action", action)
        .register(registry);
  }

  Faults current() {
    return faults;
  }

  void set(Faults next) {
    faults = Objects.requireNonNull(next, "faults");
    if (next.active()) {
      LOG.warn("{} injects faults on its HTTP port: {}", instance, next.toJson().encode());
    } else {
      LOG.info("{} injects no faults", instance);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    Faults current = faults;
    if (!current.active()) {
      ctx.next();
      return;
    }
    FaultAction action = current.decide(random);
    if (action == FaultAction.HANG) {
      hang(ctx);
      return;
    }
    if (current.latencyMs() == 0) {
      act(ctx, action, current);
      return;
    }
    delayed.increment();
    vertx
        .timer(current.latencyMs())
        .onComplete(
            ignored -> {
              if (!ctx.response().closed()) {
                act(ctx, action, current);
              }
            });
  }

  private void act(RoutingContext ctx, FaultAction action, Faults current) {
    switch (action) {
      case PASS -> ctx.next();
      case ERROR -> {
        counters.get(action).increment();
        ctx.fail(
            EdgeFailure.of(
                InjectedStatus.kindOf(current.errorStatus()),
                "Injected fault on " + instance + " (errorRate " + current.errorRate() + ")"));
      }
      case RESET -> {
        counters.get(action).increment();
        ctx.request().connection().close();
      }
      case HANG -> hang(ctx);
    }
  }

  private void hang(RoutingContext ctx) {
    counters.get(FaultAction.HANG).increment();
    HttpConnection connection = ctx.request().connection();
    // Draining waits for in-flight requests; a swallowed one would hold shutdown for its timeout.
    connection.shutdownHandler(ignored -> connection.close());
  }
}
