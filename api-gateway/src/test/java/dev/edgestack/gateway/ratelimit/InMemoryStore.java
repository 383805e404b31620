package dev.edgestack.gateway.ratelimit;

import io.vertx.core.Future;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The store's contract without a cluster: one state per policy and key; counts its calls. */
final class InMemoryStore implements RateLimitStore {
  private final Map<String, Serializable> states = new HashMap<>();
  final AtomicInteger acquires = new AtomicInteger();
  final AtomicInteger refunds = new AtomicInteger();
  final List<Integer> batches = new CopyOnWriteArrayList<>();
  volatile int members = 1;

  @Override
  public synchronized Future<LimitStep> acquire(
      String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest request) {
    acquires.incrementAndGet();
    return Future.succeededFuture(
        step(policy, key, LimitProcessor.acquire(algorithm, nowMicros, request)));
  }

  /** One step for the whole batch, as the Hazelcast store runs it. */
  @Override
  public synchronized Future<Admissions> acquireEach(
      String policy, String key, LimitAlgorithm algorithm, long nowMicros, long cost, int count) {
    acquires.incrementAndGet();
    batches.add(count);
    long[] wire =
        LimitProcessor.acquireEach(algorithm, nowMicros, cost, count).process(entry(policy, key));
    return Future.succeededFuture(Admissions.fromWire(wire, count));
  }

  @Override
  public synchronized Future<Void> refund(
      String policy,
      String key,
      LimitAlgorithm algorithm,
      long nowMicros,
      long tokens,
      long takenAtMicros) {
    refunds.incrementAndGet();
    step(policy, key, LimitProcessor.refund(algorithm, nowMicros, tokens, takenAtMicros));
    return Future.succeededFuture();
  }

  @Override
  public int liveMembers() {
    return members;
  }

  private LimitStep step(String policy, String key, LimitProcessor processor) {
    return LimitStep.fromWire(processor.process(entry(policy, key)));
  }

  private Map.Entry<String, Serializable> entry(String policy, String key) {
    return new Map.Entry<>() {
      @Override
      public String getKey() {
        return key;
      }

      @Override
      public Serializable getValue() {
        return states.get(policy + "/" + key);
      }

      @Override
      public Serializable setValue(Serializable value) {
        return states.put(policy + "/" + key, value);
      }
    };
  }
}
