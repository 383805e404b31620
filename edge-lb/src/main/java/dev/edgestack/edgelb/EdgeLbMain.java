package dev.edgestack.edgelb;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.balancer.TcpListenerConfig;
import dev.edgestack.balancer.vertx.BalancerAdmin;
import dev.edgestack.balancer.vertx.PoolReload;
import dev.edgestack.balancer.vertx.ProxyServer;
import dev.edgestack.balancer.vertx.TcpProxy;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.ConfigReloader;
import dev.edgestack.runtime.process.Deployable;
import dev.edgestack.runtime.process.EdgeContext;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RuntimeSettings;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The external load balancer: spreads client traffic over the gateway instances, and optionally raw
 * TCP connections over other pools ({@code tcp:} listeners, L4 mode).
 */
public final class EdgeLbMain implements Deployable {

  public static void main(String[] args) {
    EdgeProcess.main("edge-lb", args, new EdgeLbMain());
  }

  @Override
  public Future<Void> start(EdgeContext context) {
    UpstreamPool gateways;
    List<TcpListenerConfig> tcp;
    try {
      List<String> keys = new ArrayList<>(RuntimeSettings.KEYS);
      keys.addAll(List.of("pool", "tcp"));
      context.config().requireOnly(keys.toArray(String[]::new));
      ConfigNode pool = context.config().object("pool");
      List<String> poolKeys = new ArrayList<>(PoolConfig.KEYS);
      poolKeys.add("name");
      pool.requireOnly(poolKeys.toArray(String[]::new));
      tcp = TcpListenerConfig.listFrom(context.config(), "tcp");
      gateways =
          UpstreamPool.create(context, PoolConfig.from(pool, pool.string("name", "gateways")));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    List<UpstreamPool> pools = new ArrayList<>(List.of(gateways));
    List<Future<?>> listeners = new ArrayList<>();
    for (TcpListenerConfig listener : tcp) {
      UpstreamPool tcpPool = UpstreamPool.create(context, listener.pool());
      pools.add(tcpPool);
      listeners.add(TcpProxy.start(context, listener, tcpPool));
    }
    BalancerAdmin.mount(context.adminRouter(), pools);
    UpstreamPool reloaded = gateways;
    ConfigReloader.start(
        context,
        candidate -> {
          TcpListenerConfig.listFrom(candidate, "tcp");
          return PoolReload.prepare(
              context.config(),
              candidate,
              List.of("tcp"),
              List.of(
                  new PoolReload.Target(
                      reloaded, context.config().object("pool"), candidate.object("pool"))));
        });
    Optional<UpstreamPool> route = Optional.of(gateways);
    listeners.add(ProxyServer.start(context, path -> route));
    return Future.all(listeners).mapEmpty();
  }
}
