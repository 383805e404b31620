package dev.edgestack.gateway.ratelimit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Rate-limit state in a Hazelcast {@code IMap} per policy, updated by a {@link LimitProcessor} sent
 * to the key's owner with {@code submitToKey}: one network round trip at most, never a lock, never
 * a blocked event loop (the answer comes back on the caller's Vert.x context).
 */
final class HazelcastRateLimitStore implements RateLimitStore {
  private static final String MAP_PREFIX = "edge-ratelimit.";

  private final Vertx vertx;
  private final Supplier<Optional<HazelcastInstance>> member;
  private volatile Maps maps = new Maps(null);
  private volatile int lastKnownMembers = 1;

  HazelcastRateLimitStore(Vertx vertx, Supplier<Optional<HazelcastInstance>> member) {
    this.vertx = vertx;
    this.member = member;
  }

  /** The map holding a policy's state; its config (backups, max-idle) is set by name. */
  static String mapName(String policy) {
    return MAP_PREFIX + policy;
  }

  @Override
  public Future<LimitStep> acquire(
      String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest request) {
    return submit(policy, key, LimitProcessor.acquire(algorithm, nowMicros, request));
  }

  @Override
  public Future<Admissions> acquireEach(
      String policy, String key, LimitAlgorithm algorithm, long nowMicros, long cost, int count) {
    return submitWire(policy, key, LimitProcessor.acquireEach(algorithm, nowMicros, cost, count))
        .map(wire -> Admissions.fromWire(wire, count));
  }

  @Override
  public Future<Void> refund(
      String policy,
      String key,
      LimitAlgorithm algorithm,
      long nowMicros,
      long tokens,
      long takenAtMicros) {
    return submit(policy, key, LimitProcessor.refund(algorithm, nowMicros, tokens, takenAtMicros))
        .mapEmpty();
  }

  @Override
  public int liveMembers() {
    Optional<HazelcastInstance> instance = member.get();
    if (instance.isPresent()) {
      try {
        lastKnownMembers = Math.max(1, instance.get().getCluster().getMembers().size());
      } catch (RuntimeException e) {
        // Not connected (client mode): keep the last count seen.
      }
    }
    return lastKnownMembers;
  }

  private Future<LimitStep> submit(String policy, String key, LimitProcessor processor) {
    return submitWire(policy, key, processor).map(LimitStep::fromWire);
  }

  private Future<long[]> submitWire(String policy, String key, LimitProcessor processor) {
    Optional<HazelcastInstance> instance = member.get();
    if (instance.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("the cluster member is not running"));
    }
    try {
      IMap<String, Serializable> map = map(instance.get(), policy);
      return onContext(map.submitToKey(key, processor), vertx.getOrCreateContext());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The policy's map proxy, looked up once per member instead of once per call. */
  private IMap<String, Serializable> map(HazelcastInstance instance, String policy) {
    Maps current = maps;
    if (current.instance != instance) {
      current = new Maps(instance);
      maps = current;
    }
    return current.byPolicy.computeIfAbsent(policy, name -> instance.getMap(mapName(name)));
  }

  /** The map proxies of one member. */
  private static final class Maps {
    final HazelcastInstance instance;
    final Map<String, IMap<String, Serializable>> byPolicy = new ConcurrentHashMap<>();

    Maps(HazelcastInstance instance) {
      this.instance = instance;
    }
  }

  /**
   * The answer of a Hazelcast call, completed on {@code context}: handed from the thread that
   * completes the call (the partition thread of a local key, the response thread of a remote one)
   * to the event loop as one task, with an explicit executor, so that it never depends on
   * Hazelcast's default one (see {@link ClusterMember#runHazelcastCallbacksInPlace()}: on two cores
   * that one started a thread per task).
   */
  static <T> Future<T> onContext(CompletionStage<T> answer, Context context) {
    Promise<T> promise = Promise.promise();
    answer.handleAsync(
        (value, error) -> {
          if (error == null) {
            promise.complete(value);
          } else {
            promise.fail(error);
          }
          return null;
        },
        task -> context.runOnContext(ignored -> task.run()));
    return promise.future();
  }
}
