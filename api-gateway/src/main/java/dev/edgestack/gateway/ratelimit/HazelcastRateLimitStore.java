package dev.edgestack.gateway.ratelimit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Rate-limit state in a Hazelcast {@code IMap} per policy (TAT in microseconds by key), updated by
 * a {@link GcraEntryProcessor} sent to the key's owner with {@code submitToKey}: one network round
 * trip at most, never a lock.
 */
final class HazelcastRateLimitStore implements RateLimitStore {
  private static final String MAP_PREFIX = "edge-ratelimit.";

  private final Vertx vertx;
  private final Supplier<Optional<HazelcastInstance>> member;

  HazelcastRateLimitStore(Vertx vertx, Supplier<Optional<HazelcastInstance>> member) {
    this.vertx = vertx;
    this.member = member;
  }

  /** The map holding a policy's state; its config (backups, max-idle) is set by name. */
  static String mapName(String policy) {
    return MAP_PREFIX + policy;
  }

  @Override
  public Future<GcraResult> acquire(String policy, String key, Gcra gcra, long nowMicros) {
    Optional<HazelcastInstance> instance = member.get();
    if (instance.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("the cluster member is not running"));
    }
    try {
      IMap<String, Long> map = instance.get().getMap(mapName(policy));
      return Future.fromCompletionStage(
          map.submitToKey(key, new GcraEntryProcessor(gcra, nowMicros)),
          vertx.getOrCreateContext());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
