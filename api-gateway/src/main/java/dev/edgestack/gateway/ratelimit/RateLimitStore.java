package dev.edgestack.gateway.ratelimit;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.function.Supplier;

/** Where the state of every policy and key lives; shared by all gateway instances. */
public interface RateLimitStore {

  /** State in the cluster of {@code member} (absent while it is not running: calls fail). */
  static RateLimitStore hazelcast(Vertx vertx, Supplier<Optional<HazelcastInstance>> member) {
    return new HazelcastRateLimitStore(vertx, member);
  }

  /** A store that always fails, for a gateway without rate limits. */
  static RateLimitStore unavailable(String reason) {
    return new RateLimitStore() {
      @Override
      public Future<LimitStep> acquire(
          String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest r) {
        return Future.failedFuture(new IllegalStateException(reason));
      }

      @Override
      public Future<Void> refund(
          String policy,
          String key,
          LimitAlgorithm algorithm,
          long nowMicros,
          long tokens,
          long takenAtMicros) {
        return Future.failedFuture(new IllegalStateException(reason));
      }
    };
  }

  /** Runs one step of {@code algorithm} for {@code key} of {@code policy} atomically. */
  Future<LimitStep> acquire(
      String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest request);

  /** Gives back tokens that a request rejected by another policy, or a lease, did not use. */
  Future<Void> refund(
      String policy,
      String key,
      LimitAlgorithm algorithm,
      long nowMicros,
      long tokens,
      long takenAtMicros);

  /** How many gateways share the store right now, as far as this one knows (at least 1). */
  default int liveMembers() {
    return 1;
  }
}
