package dev.edgestack.gateway.compose;

import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.balancer.vertx.UpstreamResponse;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.breaker.CircuitBreakers;
import dev.edgestack.gateway.config.ComposePart;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.support.Deadlines;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.http.ForwardedHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers a composed route: starts every part as soon as the parts it waits for ({@code after},
 * {@code {part.field}} in its path) have answered, each through its upstream's circuit breaker and
 * pool, within its own timeout and never beyond the route's deadline (counted from the start of the
 * exchange), with the caller's identity headers; then writes the combined JSON document ({@code
 * X-Partial-Response} names missing optional parts) or fails with the failure of a required part.
 */
public final class Composer {
  public static final String PARTIAL_RESPONSE = "X-Partial-Response";
  private static final String AUTHORIZATION = "Authorization";

  private final Vertx vertx;
  private final Map<String, UpstreamPool> pools;
  private final ForwardedHeaders forwarded;
  private final CircuitBreakers breakers;
  private final ComposeMetrics metrics;

  public Composer(Vertx vertx, Map<String, UpstreamPool> pools, ForwardedHeaders forwarded) {
    this(vertx, pools, forwarded, CircuitBreakers.none(), null);
  }

  /** With circuit breakers and {@code edge_gateway_compose_parts_total} in {@code registry}. */
  public Composer(
      Vertx vertx,
      Map<String, UpstreamPool> pools,
      ForwardedHeaders forwarded,
      CircuitBreakers breakers,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.pools = Map.copyOf(pools);
    this.forwarded = forwarded;
    this.breakers = breakers;
    this.metrics = new ComposeMetrics(registry);
  }

  /** Calls the parts and writes the answer; fails only when nothing was written. */
  public Future<Void> compose(
      Exchange exchange,
      RouteTarget.Compose target,
      Map<String, String> variables,
      Optional<Identity> identity) {
    return compose(exchange, "unnamed", target, variables, identity);
  }

  /** Like {@link #compose(Exchange, RouteTarget.Compose, Map, Optional)}, for route {@code id}. */
  public Future<Void> compose(
      Exchange exchange,
      String routeId,
      RouteTarget.Compose target,
      Map<String, String> variables,
      Optional<Identity> identity) {
    HttpServerRequest request = exchange.request();
    // A composed route answers locally: whatever body the client sent is read and dropped.
    if (!request.isEnded()) {
      request.resume();
    }
    Call call =
        new Call(
            exchange,
            routeId,
            variables,
            identity,
            exchange.startNanos() + target.timeout().toNanos(),
            target.timeout());
    // Every part gets its promise first, so that a part can wait for any other whatever the
    // order of the list (the config has no cycles).
    Map<String, Promise<PartOutcome>> promises = new LinkedHashMap<>();
    target.parts().forEach(part -> promises.put(part.name(), Promise.promise()));
    // Each call names its own endpoint; the access log names the composition.
    exchange.upstream("compose:" + String.join("+", pools(target)));
    // A failed required part decides the answer: it goes out at once, without waiting for the
    // other parts. Those already called run on to their own deadlines and are then dropped; those
    // not yet started are never called.
    Promise<Void> answered = Promise.promise();
    for (ComposePart part : target.parts()) {
      List<Future<PartOutcome>> waitsFor = new ArrayList<>();
      part.after().forEach(name -> waitsFor.add(promises.get(name).future()));
      Future.all(waitsFor)
          .compose(
              ignored ->
                  answered.future().isComplete()
                      ? Future.succeededFuture(
                          CompositionRules.notNeeded(part.name(), answered.future().cause()))
                      : start(call, part, promises))
          .onComplete(
              done -> {
                PartOutcome outcome =
                    done.succeeded()
                        ? done.result()
                        : CompositionRules.fromFailure(part.name(), done.cause());
                metrics.record(routeId, part.name(), outcome);
                promises.get(part.name()).complete(outcome);
                EdgeFailure failure = outcome.failureOrNull();
                if (part.required() && failure != null) {
                  answered.tryFail(failure);
                }
              });
    }
    List<Future<PartOutcome>> all = new ArrayList<>();
    promises.values().forEach(promise -> all.add(promise.future()));
    Future.all(all)
        .compose(
            ignored -> {
              if (answered.future().isComplete()) {
                return Future.<Void>succeededFuture();
              }
              Map<String, PartOutcome> outcomes = new LinkedHashMap<>();
              promises.forEach((name, promise) -> outcomes.put(name, promise.future().result()));
              Composition composition = CompositionRules.combine(target.parts(), outcomes);
              if (composition instanceof Composition.Failed failed) {
                return Future.failedFuture(failed.failure());
              }
              return write(request, (Composition.Complete) composition);
            })
        .onComplete(
            done -> {
              if (done.succeeded()) {
                answered.tryComplete();
              } else {
                answered.tryFail(done.cause());
              }
            });
    return answered.future();
  }

  private static List<String> pools(RouteTarget.Compose target) {
    return target.parts().stream().map(ComposePart::upstream).distinct().toList();
  }

  /** What every part of one composed request shares. */
  private record Call(
      Exchange exchange,
      String routeId,
      Map<String, String> variables,
      Optional<Identity> identity,
      long deadlineNanos,
      Duration routeTimeout) {}

  /** Starts {@code part} once what it waits for is done, or says why it is not called. */
  private Future<PartOutcome> start(
      Call call, ComposePart part, Map<String, Promise<PartOutcome>> promises) {
    Map<String, PartOutcome> answers = new HashMap<>();
    for (String name : part.after()) {
      PartOutcome outcome = promises.get(name).future().result();
      EdgeFailure failure = outcome.failureOrNull();
      if (failure != null) {
        return Future.succeededFuture(CompositionRules.skipped(part.name(), name, failure));
      }
      answers.put(name, outcome);
    }
    Map<String, String> values = new HashMap<>(call.variables());
    for (String reference : part.references()) {
      Object json = ((PartOutcome.Answered) answers.get(FieldReference.part(reference))).json();
      Optional<String> value = FieldReference.resolve(json, reference);
      if (value.isEmpty()) {
        return Future.succeededFuture(CompositionRules.unresolved(part.name(), reference));
      }
      values.put(reference, value.get());
    }
    long remainingNanos = call.deadlineNanos() - System.nanoTime();
    if (remainingNanos <= 0) {
      return Future.succeededFuture(CompositionRules.tooLate(part.name()));
    }
    Duration own = part.timeout().orElse(call.routeTimeout());
    Duration timeout =
        own.compareTo(Duration.ofNanos(remainingNanos)) < 0
            ? own
            : Duration.ofNanos(remainingNanos);
    return send(call, part, values, timeout);
  }

  private Future<PartOutcome> send(
      Call call, ComposePart part, Map<String, String> values, Duration timeout) {
    UpstreamPool pool = pools.get(part.upstream());
    if (pool == null) {
      return Future.succeededFuture(
          CompositionRules.fromFailure(
              part.name(),
              EdgeFailure.of(FailureKind.INTERNAL, "unknown upstream " + part.upstream())));
    }
    Exchange exchange = call.exchange();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("Accept", "application/json");
    String authorization = exchange.request().getHeader(AUTHORIZATION);
    if (authorization != null) {
      headers.set(AUTHORIZATION, authorization);
    }
    IdentityHeaders.apply(call.identity(), headers);
    Future<UpstreamResponse> response;
    try {
      String uri = part.path().expand(values, null);
      response =
          breakers.guard(
              part.upstream(),
              () -> pool.call(exchange, HttpMethod.GET, uri, headers, timeout),
              UpstreamResponse::status);
    } catch (RuntimeException e) {
      response = Future.failedFuture(e);
    }
    return Deadlines.within(
            vertx,
            response,
            timeout,
            () ->
                EdgeFailure.of(
                    FailureKind.UPSTREAM_TIMEOUT, "no answer within " + timeout.toMillis() + "ms"))
        .transform(
            result ->
                Future.succeededFuture(
                    result.succeeded()
                        ? CompositionRules.fromResponse(
                            part.name(), result.result().status(), result.result().body())
                        : CompositionRules.fromFailure(part.name(), result.cause())));
  }

  private Future<Void> write(HttpServerRequest request, Composition.Complete composition) {
    HttpServerResponse response = request.response();
    if (response.closed()) {
      return Future.succeededFuture();
    }
    response.setStatusCode(200).putHeader("Content-Type", "application/json");
    if (composition.partial()) {
      response.putHeader(PARTIAL_RESPONSE, String.join(",", composition.missing()));
    }
    forwarded.applyToResponse(request.version(), response.headers());
    return response.end(composition.body().toBuffer());
  }
}
