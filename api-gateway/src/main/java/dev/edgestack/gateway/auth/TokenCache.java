package dev.edgestack.gateway.auth;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verified tokens by their exact text, so that a signature is checked once per token rather than
 * once per request. Bounded; an entry is never served at or after its token's {@code exp}.
 */
final class TokenCache {
  private final int maxEntries;
  private final Clock clock;
  private final Map<String, Identity> entries = new ConcurrentHashMap<>();

  TokenCache(int maxEntries, Clock clock) {
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  Optional<Identity> get(String token) {
    Identity identity = entries.get(token);
    if (identity == null) {
      return Optional.empty();
    }
    if (identity.expiresAtEpochSecond() <= nowSeconds()) {
      entries.remove(token);
      return Optional.empty();
    }
    return Optional.of(identity);
  }

  void put(String token, Identity identity) {
    if (maxEntries == 0 || identity.expiresAtEpochSecond() <= nowSeconds()) {
      return;
    }
    if (entries.size() >= maxEntries) {
      evict();
    }
    entries.put(token, identity);
  }

  void clear() {
    entries.clear();
  }

  int size() {
    return entries.size();
  }

  /** Drops expired entries, then arbitrary ones until a tenth of the room is free. */
  private void evict() {
    long now = nowSeconds();
    entries.values().removeIf(identity -> identity.expiresAtEpochSecond() <= now);
    int target = maxEntries - Math.max(1, maxEntries / 10);
    for (Iterator<String> it = entries.keySet().iterator();
        it.hasNext() && entries.size() > target; ) {
      it.next();
      it.remove();
    }
  }

  private long nowSeconds() {
    return clock.millis() / 1000;
  }
}
