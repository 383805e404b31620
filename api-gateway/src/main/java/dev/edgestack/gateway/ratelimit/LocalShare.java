package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.LimitAlgorithmKind;
import dev.edgestack.gateway.config.RateLimitConfig;
import java.io.Serializable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code local-share} fallback: while the store is unreachable this gateway enforces {@code
 * limit / live members} (and the burst likewise, never below the cost) on its own, in memory. The
 * state is dropped when the store answers again.
 */
final class LocalShare {
  private static final int MAX_KEYS = 100_000;

  private final RateLimitConfig policy;
  private final ConcurrentHashMap<String, Serializable> states = new ConcurrentHashMap<>();
  private final AtomicReference<Sized> algorithm = new AtomicReference<>();

  private record Sized(int members, LimitAlgorithm algorithm) {}

  LocalShare(RateLimitConfig policy) {
    this.policy = policy;
  }

  /** One step at this gateway's share for {@code members} live gateways. */
  LimitStep acquire(String key, long nowMicros, int members) {
    LimitAlgorithm sized = sized(Math.max(1, members));
    if (states.size() > MAX_KEYS) {
      states.clear();
    }
    LimitStep[] result = new LimitStep[1];
    states.compute(
        key,
        (k, state) -> {
          LimitStep step = sized.acquire(state, nowMicros, policy.cost());
          result[0] = step;
          return step.admitted() ? step.state() : state;
        });
    return result[0];
  }

  void refund(String key, long nowMicros, long tokens, long takenAtMicros) {
    LimitAlgorithm sized = algorithm.get().algorithm();
    states.computeIfPresent(
        key, (k, state) -> sized.refund(state, nowMicros, tokens, takenAtMicros));
  }

  void clear() {
    states.clear();
  }

  /** The limit this gateway enforces alone for {@code members} gateways. */
  static int share(int total, int members, int cost) {
    return Math.max(cost, total / members);
  }

  private LimitAlgorithm sized(int members) {
    Sized current = algorithm.get();
    if (current != null && current.members() == members) {
      return current.algorithm();
    }
    int limit = share(policy.limit(), members, policy.cost());
    LimitAlgorithm next =
        policy.algorithm() == LimitAlgorithmKind.SLIDING_WINDOW
            ? LimitAlgorithm.slidingWindow(limit, policy.period())
            : LimitAlgorithm.gcra(
                limit, policy.period(), share(policy.burst(), members, policy.cost()));
    algorithm.set(new Sized(members, next));
    return next;
  }
}
