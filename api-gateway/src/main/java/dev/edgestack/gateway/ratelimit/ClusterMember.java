package dev.edgestack.gateway.ratelimit;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.util.ConcurrencyUtil;
import dev.edgestack.gateway.config.ClusterConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Hazelcast instance. Embedded (the default), it joins only the listed members over
 * TCP-IP, the addresses of a DNS name, or Kubernetes' DNS lookup (never multicast, no
 * auto-detection, no phone-home), binds exactly {@code cluster.host:cluster.port}, merges split
 * clusters after about ten seconds, and keeps one backup of each rate-limit map. In client mode it
 * connects to an external cluster, which must have this jar's processors on its classpath and
 * {@link LimitProcessor.Factory} in its serialization config. Started off the event loop; the
 * readiness check {@code cluster} is DOWN until it runs (for a client: until its first round trip).
 */
public final class ClusterMember {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  private final AtomicReference<HazelcastInstance> instance = new AtomicReference<>();
  private final AtomicReference<String> problem = new AtomicReference<>("starting");
  private final AtomicBoolean warm = new AtomicBoolean();

  private ClusterMember() {}

  /** The explicit Hazelcast config: nothing is left to defaults that could leave loopback. */
  public static Config hazelcastConfig(
      ClusterConfig cluster, Collection<RateLimitConfig> policies) {
    return hazelcastConfig(cluster, cluster.members(), policies);
  }

  /**
   * The config with {@code members} as the TCP-IP member list (for {@code discovery: dns}, the
   * addresses its name resolved to).
   */
  public static Config hazelcastConfig(
      ClusterConfig cluster, List<String> members, Collection<RateLimitConfig> policies) {
    runHazelcastCallbacksInPlace();
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
    // Hazelcast's own metrics feed its Management Center, which the stack does not use (its metrics
    // are the gateway's, in Micrometer); collecting them every 5 s was about a quarter of an idle
    // member's CPU (docs/rate-limiting.md).
    config.getMetricsConfig().setEnabled(false);
    config
        .getSerializationConfig()
        .addDataSerializableFactory(LimitProcessor.FACTORY_ID, new LimitProcessor.Factory());

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
    switch (cluster.discovery()) {
      case TCP_IP, DNS ->
          join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(members);
      case KUBERNETES -> {
        join.getTcpIpConfig().setEnabled(false);
        join.getKubernetesConfig()
            .setEnabled(true)
            .setProperty("service-dns", cluster.kubernetesServiceDns())
            .setProperty("service-port", Integer.toString(cluster.port()));
      }
    }

    for (RateLimitConfig policy : policies) {
      config.addMapConfig(
          new MapConfig(HazelcastRateLimitStore.mapName(policy.name()))
              // A step works on the object: no (de)serialization of the state per request.
              .setInMemoryFormat(InMemoryFormat.OBJECT)
              .setStatisticsEnabled(false)
              .setBackupCount(1)
              .setMaxIdleSeconds(maxIdleSeconds(policy)));
    }
    return config;
  }

  /**
   * Lets Hazelcast run its callbacks on the thread that completes a call, for every instance in
   * this JVM (Hazelcast has no per-instance setting). Its default async executor is {@code
   * ForkJoinPool.commonPool()}, or a new thread per task where the common pool has a parallelism of
   * 1, that is on one or two cores; and every {@code submitToKey} answer is a future wrapping the
   * invocation's, completed through that executor. On two cores that was a new thread per store
   * call: 138 of 224 µs of CPU per {@code exact} decision (docs/rate-limiting.md). Running in place
   * is safe here because the only callbacks on Hazelcast futures in the gateway are the wrapping
   * future's (it completes itself) and the store's, which only hands the answer to an event loop;
   * Hazelcast names the executors of its own internal stages (hazelcast#18190).
   */
  static void runHazelcastCallbacksInPlace() {
    ConcurrencyUtil.setDefaultAsyncExecutor(ConcurrencyUtil.CALLER_RUNS);
  }

  /**
   * Idle keys are forgotten after twice the period, and never before their debt is paid off (a
   * burst larger than the limit takes longer than one period to drain).
   */
  static int maxIdleSeconds(RateLimitConfig policy) {
    Duration drain = PolicyLimiter.algorithm(policy).memory();
    Duration idle = policy.period().multipliedBy(2);
    if (drain.plus(policy.period()).compareTo(idle) > 0) {
      idle = drain.plus(policy.period());
    }
    return (int) Math.min(Integer.MAX_VALUE, idle.toSeconds());
  }

  /** The client config for {@code mode: client}: the listed members of the external cluster. */
  public static ClientConfig clientConfig(ClusterConfig cluster) {
    runHazelcastCallbacksInPlace();
    ClientConfig config = new ClientConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.client.shutdownhook.enabled", "false");
    // As for a member: a client's metrics only serve Management Center, through the cluster.
    config.getMetricsConfig().setEnabled(false);
    config
        .getSerializationConfig()
        .addDataSerializableFactory(LimitProcessor.FACTORY_ID, new LimitProcessor.Factory());
    config.getNetworkConfig().setAddresses(cluster.members()).setSmartRouting(true);
    config.getNetworkConfig().getAutoDetectionConfig().setEnabled(false);
    // Keep retrying in the background: the store's breaker covers the outage meanwhile.
    config.getConnectionStrategyConfig().setAsyncStart(true);
    config
        .getConnectionStrategyConfig()
        .setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC)
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(-1)
        .setMaxBackoffMillis(2_000);
    return config;
  }

  /** Every address {@code name} resolves to, each with {@code port} (blocking: DNS). */
  static List<String> resolve(String name, int port) throws UnknownHostException {
    List<String> members = new ArrayList<>();
    for (InetAddress address : InetAddress.getAllByName(name)) {
      String host = address.getHostAddress();
      members.add((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }
    return members;
  }

  private static HazelcastInstance newInstance(
      ClusterConfig cluster, Collection<RateLimitConfig> policies) throws UnknownHostException {
    return switch (cluster.mode()) {
      case CLIENT -> HazelcastClient.newHazelcastClient(clientConfig(cluster));
      case EMBEDDED ->
          Hazelcast.newHazelcastInstance(
              hazelcastConfig(
                  cluster,
                  cluster.discovery() == ClusterConfig.Discovery.DNS
                      ? resolve(cluster.dnsName(), cluster.port())
                      : cluster.members(),
                  policies));
    };
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
    context
        .readiness()
        .register(
            "cluster",
            promise ->
                promise.complete(
                    member.instance().isPresent() && member.warm.get()
                        ? Status.OK()
                        : Status.KO(new JsonObject().put("reason", member.problem.get()))));
    Future<HazelcastInstance> started =
        context
            .vertx()
            .executeBlocking(() -> newInstance(cluster, policies), false)
            .onSuccess(
                hazelcast -> {
                  member.instance.set(hazelcast);
                  member.problem.set("stopped");
                  member.problem.set("waiting for the first round trip to the store");
                  warmUp(context, member, hazelcast, 0);
                  if (cluster.mode() == ClusterConfig.Mode.CLIENT) {
                    LOG.info("cluster client of {} started: {}", cluster.name(), cluster.members());
                  } else {
                    LOG.info(
                        "cluster member {}:{} joined {} ({} member(s))",
                        cluster.host(),
                        cluster.port(),
                        cluster.name(),
                        hazelcast.getCluster().getMembers().size());
                  }
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

  /**
   * Ready after a first round trip to a key's owner: the first one arranges the partition table of
   * a new cluster, or waits for a fresh client's connections, which can take longer than a store
   * timeout. Retried every second until it succeeds.
   */
  private static void warmUp(
      EdgeContext context, ClusterMember member, HazelcastInstance client, int attempt) {
    if (!client.getLifecycleService().isRunning()) {
      return;
    }
    HazelcastRateLimitStore.onContext(
            client
                .<String, Serializable>getMap("edge-ratelimit-warm-up")
                .submitToKey(
                    "warm-up",
                    LimitProcessor.refund(
                        LimitAlgorithm.gcra(1, Duration.ofSeconds(1), 1), 0, 0, 0)),
            context.vertx().getOrCreateContext())
        .onSuccess(
            answer -> {
              member.warm.set(true);
              LOG.info(
                  "rate-limit store ready ({} member(s))", client.getCluster().getMembers().size());
            })
        .onFailure(
            error -> {
              if (attempt % 30 == 0) {
                LOG.warn("cluster client not connected yet: {}", error.getMessage());
              }
              context.vertx().setTimer(1_000, id -> warmUp(context, member, client, attempt + 1));
            });
  }

  /** The running member, if it has started and not been shut down. */
  public Optional<HazelcastInstance> instance() {
    HazelcastInstance running = instance.get();
    return running != null && running.getLifecycleService().isRunning()
        ? Optional.of(running)
        : Optional.empty();
  }
}
