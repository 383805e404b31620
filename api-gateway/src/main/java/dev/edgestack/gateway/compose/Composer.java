package dev.edgestack.gateway.compose;

import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.balancer.vertx.UpstreamResponse;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.config.ComposePart;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.support.Deadlines;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.http.ForwardedHeaders;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers a composed route: calls every part in parallel through its upstream pool, each within the
 * route's timeout and with the caller's identity headers, then writes the combined JSON document
 * ({@code X-Partial-Response} names missing optional parts) or fails with the failure of a required
 * part.
 */
public final class Composer {
  public static final String PARTIAL_RESPONSE = "X-Partial-Response";
  private static final String AUTHORIZATION = "Authorization";

  private final Vertx vertx;
  private final Map<String, UpstreamPool> pools;
  private final ForwardedHeaders forwarded;

  public Composer(Vertx vertx, Map<String, UpstreamPool> pools, ForwardedHeaders forwarded) {
    this.vertx = vertx;
    this.pools = Map.copyOf(pools);
    this.forwarded = forwarded;
  }

  /** Calls the parts and writes the answer; fails only when nothing was written. */
  public Future<Void> compose(
      Exchange exchange,
      RouteTarget.Compose target,
      Map<String, String> variables,
      Optional<Identity> identity) {
    HttpServerRequest request = exchange.request();
    // A composed route answers locally: whatever body the client sent is read and dropped.
    if (!request.isEnded()) {
      request.resume();
    }
    List<Future<PartOutcome>> calls = new ArrayList<>();
    for (ComposePart part : target.parts()) {
      calls.add(call(exchange, part, variables, identity, target));
    }
    return Future.join(calls)
        .transform(
            ignored -> {
              // Each call named its own endpoint; the access log names the composition.
              exchange.upstream("compose:" + String.join("+", pools(target)));
              Map<String, PartOutcome> outcomes = new LinkedHashMap<>();
              for (int i = 0; i < calls.size(); i++) {
                outcomes.put(target.parts().get(i).name(), calls.get(i).result());
              }
              Composition composition = CompositionRules.combine(target.parts(), outcomes);
              if (composition instanceof Composition.Failed failed) {
                return Future.failedFuture(failed.failure());
              }
              return write(request, (Composition.Complete) composition);
            });
  }

  private static List<String> pools(RouteTarget.Compose target) {
    return target.parts().stream().map(ComposePart::upstream).distinct().toList();
  }

  private Future<PartOutcome> call(
      Exchange exchange,
      ComposePart part,
      Map<String, String> variables,
      Optional<Identity> identity,
      RouteTarget.Compose target) {
    UpstreamPool pool = pools.get(part.upstream());
    if (pool == null) {
      return Future.succeededFuture(
          CompositionRules.fromFailure(
              part.name(),
              EdgeFailure.of(FailureKind.INTERNAL, "unknown upstream " + part.upstream())));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("Accept", "application/json");
    String authorization = exchange.request().getHeader(AUTHORIZATION);
    if (authorization != null) {
      headers.set(AUTHORIZATION, authorization);
    }
    IdentityHeaders.apply(identity, headers);
    Future<UpstreamResponse> response;
    try {
      String uri = part.path().expand(variables, null);
      response = pool.call(exchange, HttpMethod.GET, uri, headers, target.timeout());
    } catch (RuntimeException e) {
      response = Future.failedFuture(e);
    }
    return Deadlines.within(
            vertx,
            response,
            target.timeout(),
            () ->
                EdgeFailure.of(
                    FailureKind.UPSTREAM_TIMEOUT, "no answer within " + target.timeout()))
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
