package dev.edgestack.gateway.ratelimit;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.function.Supplier;

/** Where the GCRA state of every policy and key lives; shared by all gateway instances. */
public interface RateLimitStore {

  /** State in the cluster of {@code member} (absent while it is not running: calls fail). */
  static RateLimitStore hazelcast(Vertx vertx, Supplier<Optional<HazelcastInstance>> member) {
    return new HazelcastRateLimitStore(vertx, member);
  }

  /** A store that always fails, for a gateway without rate limits. */
  static RateLimitStore unavailable(String reason) {
    return (policy, key, gcra, nowMicros) -> Future.failedFuture(new IllegalStateException(reason));
  }

  /** Runs one GCRA step for {@code key} of {@code policy} atomically in the store. */
  Future<GcraResult> acquire(String policy, String key, Gcra gcra, long nowMicros);
}
