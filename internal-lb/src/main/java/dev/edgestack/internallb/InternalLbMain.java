package dev.edgestack.internallb;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.balancer.vertx.BalancerAdmin;
import dev.edgestack.balancer.vertx.PoolReload;
import dev.edgestack.balancer.vertx.ProxyServer;
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

/** The internal load balancer: one pool per service, chosen by the request path's prefix. */
public final class InternalLbMain implements Deployable {

  public static void main(String[] args) {
    EdgeProcess.main("internal-lb", args, new InternalLbMain());
  }

  @Override
  public Future<Void> start(EdgeContext context) {
    PathRouter router;
    try {
      List<String> keys = new ArrayList<>(RuntimeSettings.KEYS);
      keys.add("pools");
      context.config().requireOnly(keys.toArray(String[]::new));
      List<ConfigNode> pools = context.config().objects("pools");
      if (pools.isEmpty()) {
        throw context.config().error("pools", null, "at least one pool with name and pathPrefix");
      }
      List<String> poolKeys = new ArrayList<>(PoolConfig.KEYS);
      poolKeys.add("name");
      poolKeys.add("pathPrefix");
      List<PathRouter.Entry> entries = new ArrayList<>();
      List<UpstreamPool> upstreams = new ArrayList<>();
      for (ConfigNode pool : pools) {
        pool.requireOnly(poolKeys.toArray(String[]::new));
        String name = pool.string("name");
        if (upstreams.stream().anyMatch(u -> u.name().equals(name))) {
          throw pool.error("name", name, "a name no other pool has");
        }
        String prefix = pool.string("pathPrefix");
        if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/"))) {
          throw pool.error(
              "pathPrefix", prefix, "a path such as /accounts (leading /, no trailing /)");
        }
        UpstreamPool upstream = UpstreamPool.create(context, PoolConfig.from(pool, name));
        entries.add(new PathRouter.Entry(prefix, upstream));
        upstreams.add(upstream);
      }
      router = new PathRouter(entries);
      BalancerAdmin.mount(context.adminRouter(), upstreams);
      ConfigReloader.start(context, candidate -> reload(context, candidate, upstreams));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return ProxyServer.start(context, router::route).mapEmpty();
  }

  /** Endpoints and weights of the same pools (names, order and prefixes unchanged). */
  private static ConfigReloader.Applied reload(
      EdgeContext context, ConfigNode candidate, List<UpstreamPool> upstreams) {
    List<ConfigNode> running = context.config().objects("pools");
    List<ConfigNode> next = candidate.objects("pools");
    if (next.size() != running.size()) {
      throw candidate.error(
          "pools",
          next.size() + " pools",
          running.size() + " pools as at start (adding or removing a pool needs a restart)");
    }
    List<PoolReload.Target> targets = new ArrayList<>();
    for (int i = 0; i < running.size(); i++) {
      targets.add(new PoolReload.Target(upstreams.get(i), running.get(i), next.get(i)));
    }
    return PoolReload.prepare(context.config(), candidate, List.of(), targets);
  }
}
