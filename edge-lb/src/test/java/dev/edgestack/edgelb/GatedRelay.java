package dev.edgestack.edgelb;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.balancer.vertx.ProxyServer;
import dev.edgestack.balancer.vertx.RelayGate;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeContext;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * An edge-lb process whose relay asks a test's own gate for each request's route, over one pool of
 * the backend at {@code backendPort}: for tests of what the relay does around its gate.
 */
final class GatedRelay {
  private GatedRelay() {}

  /**
   * Starts it; {@code serverOptions} are more keys of {@code server} (", idleTimeout: 300ms"), and
   * {@code gate} is made from the instance's context and its pool.
   */
  static RunningInstance start(
      String name,
      String serverOptions,
      int backendPort,
      BiFunction<EdgeContext, UpstreamPool, RelayGate> gate)
      throws Exception {
    String file = name + ".yaml";
    String yaml =
        """
        instance: {name: %s}
        server: {port: 0, engine: relay%s}
        shutdown: {drainDelay: 0s, timeout: 5s}
        admin: {port: 0}
        pool:
          name: backends
          endpoints: "127.0.0.1:%d"
          healthCheck: {enabled: false}
        """
            .formatted(name, serverOptions, backendPort);
    var config = ConfigLoader.withVariables(Map.of()).parse(file, yaml);
    return EdgeProcess.start(
            "edge-lb",
            config,
            context -> {
              UpstreamPool pool =
                  UpstreamPool.create(
                      context, PoolConfig.from(context.config().object("pool"), file));
              return ProxyServer.startRelay(
                  context,
                  gate.apply(context, pool),
                  request -> request.response().setStatusCode(421).end());
            })
        .await(20, TimeUnit.SECONDS);
  }
}
