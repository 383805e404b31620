package dev.edgestack.gateway.ratelimit;

import io.vertx.core.Future;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A store that runs each step at once on the calling thread, as the key's owner would: what is left
 * of a decision is the gateway's own work around it.
 */
public final class ImmediateStore implements RateLimitStore {
  private final Map<String, Serializable> states = new HashMap<>();

  @Override
  public Future<LimitStep> acquire(
      String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest request) {
    return Future.succeededFuture(
        LimitStep.fromWire(
            LimitProcessor.acquire(algorithm, nowMicros, request).process(entry(key))));
  }

  @Override
  public Future<Void> refund(
      String policy,
      String key,
      LimitAlgorithm algorithm,
      long nowMicros,
      long tokens,
      long takenAtMicros) {
    LimitProcessor.refund(algorithm, nowMicros, tokens, takenAtMicros).process(entry(key));
    return Future.succeededFuture();
  }

  @Override
  public int liveMembers() {
    return 1;
  }

  private Map.Entry<String, Serializable> entry(String key) {
    return new Map.Entry<>() {
      @Override
      public String getKey() {
        return key;
      }

      @Override
      public Serializable getValue() {
        return states.get(key);
      }

      @Override
      public Serializable setValue(Serializable value) {
        return states.put(key, value);
      }
    };
  }
}
