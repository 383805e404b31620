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

  /**
   * Decides {@code count} requests of {@code cost} tokens each for {@code key}, one after the
   * other, each exactly as {@link #acquire} would. A store that can run them as one atomic step
   * (one round trip) overrides this; by default they are asked one at a time, which is as exact,
   * only slower.
   */
  default Future<Admissions> acquireEach(
      String policy, String key, LimitAlgorithm algorithm, long nowMicros, long cost, int count) {
    return acquireFrom(policy, key, algorithm, nowMicros, cost, count, 0, null);
  }

  private Future<Admissions> acquireFrom(
      String policy,
      String key,
      LimitAlgorithm algorithm,
      long nowMicros,
      long cost,
      int count,
      int admitted,
      LimitStep last) {
    if (admitted == count) {
      return Future.succeededFuture(new Admissions(admitted, last, null));
    }
    return acquire(policy, key, algorithm, nowMicros, TokenRequest.exact(cost))
        .compose(
            step ->
                step.admitted()
                    ? acquireFrom(
                        policy, key, algorithm, nowMicros, cost, count, admitted + 1, step)
                    : Future.succeededFuture(new Admissions(admitted, last, step)));
  }

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
