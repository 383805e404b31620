package dev.edgestack.gateway.ratelimit;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.edgestack.gateway.config.ClusterConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's embedded Hazelcast member. It joins only the listed members over TCP-IP (never
 * multicast, no auto-detection, no phone-home), binds exactly {@code cluster.host:cluster.port},
 * merges split clusters after about ten seconds, and keeps one backup of each rate-limit map.
 * Started off the event loop; the readiness check {@code cluster} is DOWN until it runs.
 */
public final class ClusterMember {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  private final AtomicReference<HazelcastInstance> instance = new AtomicReference<>();
  private final AtomicReference<String> problem = new AtomicReference<>("starting");

  private ClusterMember() {}

  /** The explicit Hazelcast config: nothing is left to defaults that could leave loopback. */
  public static Config hazelcastConfig(
      ClusterConfig cluster, Collection<RateLimitConfig> policies) {
    Config config = new Config();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // Our own shutdown drains first, then stops the member: Hazelcast's hook would race it.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
    config.setProperty("hazelcast.partition.count", Integer.toString(cluster.partitionCount()));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    if (!isWildcard(cluster.host())) {
      config.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
      network.setPublicAddress(cluster.host() + ":" + cluster.port());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .setConnectionTimeoutSeconds(2)
        .setMembers(cluster.members());

    for (RateLimitConfig policy : policies) {
      config.addMapConfig(
          new MapConfig(HazelcastRateLimitStore.mapName(policy.name()))
              .setBackupCount(1)
              .setMaxIdleSeconds(maxIdleSeconds(policy)));
    }
    return config;
  }

  /**
   * Idle keys are forgotten after twice the period, and never before their debt is paid off (a
   * burst larger than the limit takes longer than one period to drain).
   */
  static int maxIdleSeconds(RateLimitConfig policy) {
    Duration drain = policy.period().multipliedBy(policy.burst()).dividedBy(policy.limit());
    Duration idle = policy.period().multipliedBy(2);
    if (drain.plus(policy.period()).compareTo(idle) > 0) {
      idle = drain.plus(policy.period());
    }
    return (int) Math.min(Integer.MAX_VALUE, idle.toSeconds());
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /**
   * Starts a member in the background, registers the readiness check {@code cluster} and its
   * shutdown with the context.
   */
  public static ClusterMember start(
      EdgeContext context, ClusterConfig cluster, Collection<RateLimitConfig> policies) {
    ClusterMember member = new ClusterMember();
    Config config = hazelcastConfig(cluster, policies);
    context
        .readiness()
        .register(
            "cluster",
            promise ->
                promise.complete(
                    member.instance().isPresent()
                        ? Status.OK()
                        : Status.KO(new JsonObject().put("reason", member.problem.get()))));
    Future<HazelcastInstance> started =
        context
            .vertx()
            .executeBlocking(() -> Hazelcast.newHazelcastInstance(config), false)
            .onSuccess(
                hazelcast -> {
                  member.instance.set(hazelcast);
                  member.problem.set("stopped");
                  LOG.info(
                      "cluster member {}:{} joined {} ({} member(s))",
                      cluster.host(),
                      cluster.port(),
                      cluster.name(),
                      hazelcast.getCluster().getMembers().size());
                })
            .onFailure(
                error -> {
                  member.problem.set("failed to start: " + error.getMessage());
                  LOG.error(
                      "cluster member {}:{} failed to start; rate limits apply onStoreFailure",
                      cluster.host(),
                      cluster.port(),
                      error);
                });
    context.closeOnShutdown(
        () ->
            started
                .compose(
                    hazelcast -> {
                      member.instance.set(null);
                      return context
                          .vertx()
                          .executeBlocking(
                              () -> {
                                hazelcast.shutdown();
                                return null;
                              },
                              false);
                    })
                .otherwiseEmpty());
    return member;
  }

  /** The running member, if it has started and not been shut down. */
  public Optional<HazelcastInstance> instance() {
    HazelcastInstance running = instance.get();
    return running != null && running.getLifecycleService().isRunning()
        ? Optional.of(running)
        : Optional.empty();
  }
}
