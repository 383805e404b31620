package dev.edgestack.balancer.vertx;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Decides where the {@link Http1Relay} forwards a request whose head it has parsed: a {@link
 * RelayRoute}, or a failure ({@link EdgeFailure}, answered as a problem with the headers it
 * carries). The future may complete on any thread; the relay goes on on the connection's event
 * loop, holds body bytes that arrive meanwhile and reads no pipelined request before it.
 */
@FunctionalInterface
public interface RelayGate {
  Future<RelayRoute> decide(RelayRequest request);

  /**
   * The balancers' gate: the pool {@code router} picks by path, the request passed on as sent (404
   * when no pool serves the path). Each pool's decision is built once, already completed.
   */
  static RelayGate byPath(Function<String, Optional<UpstreamPool>> router) {
    Map<UpstreamPool, Future<RelayRoute>> decisions = new ConcurrentHashMap<>();
    return request -> {
      Optional<UpstreamPool> pool = router.apply(request.path());
      if (pool.isEmpty()) {
        return Future.failedFuture(
            EdgeFailure.of(FailureKind.NO_ROUTE, "No pool serves " + request.path()));
      }
      Future<RelayRoute> decided = decisions.get(pool.get());
      return decided != null
          ? decided
          : decisions.computeIfAbsent(
              pool.get(), chosen -> Future.succeededFuture(RelayRoute.to(chosen)));
    };
  }
}
