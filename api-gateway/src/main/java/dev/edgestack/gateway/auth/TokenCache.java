package dev.edgestack.gateway.auth;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verified tokens by their exact text, so that a signature is checked once per token rather than
 * once per request, with the answers a request is given built once per token too. Bounded; an entry
 * is never served at or after its token's {@code exp}.
 */
final class TokenCache {
  // Enough of a token's end to tell tokens apart: its signature, random to whoever did not sign it.
  private static final int HASHED_CHARS = 32;

  private final int maxEntries;
  private final Clock clock;
  private final Map<Key, Verified> entries = new ConcurrentHashMap<>();

  TokenCache(int maxEntries, Clock clock) {
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /**
   * A verified token and the answers for a request that presents it: the verifier's and the
   * authentication step's. Futures that succeeded hold no state a caller can change, so every
   * request may be handed the same ones.
   */
  static final class Verified {
    private final Identity identity;
    private final Future<Identity> verified;
    private final Future<Optional<Identity>> authenticated;

    Verified(Identity identity) {
      this.identity = identity;
      this.verified = Future.succeededFuture(identity);
      this.authenticated = Future.succeededFuture(Optional.of(identity));
    }

    Identity identity() {
      return identity;
    }

    Future<Identity> verified() {
      return verified;
    }

    Future<Optional<Identity>> authenticated() {
      return authenticated;
    }
  }

  /** The entry of {@code token}, null when none is cached or it has expired. */
  Verified get(String token) {
    Key key = new Key(token);
    Verified entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (entry.identity.expiresAtEpochSecond() <= nowSeconds()) {
      entries.remove(key);
      return null;
    }
    return entry;
  }

  /** Caches {@code identity} for {@code token}; returns the entry, cached or not. */
  Verified put(String token, Identity identity) {
    Verified entry = new Verified(identity);
    if (maxEntries == 0 || identity.expiresAtEpochSecond() <= nowSeconds()) {
      return entry;
    }
    if (entries.size() >= maxEntries) {
      evict();
    }
    entries.put(new Key(token), entry);
    return entry;
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
    entries.values().removeIf(entry -> entry.identity.expiresAtEpochSecond() <= now);
    int target = maxEntries - Math.max(1, maxEntries / 10);
    for (Iterator<Key> it = entries.keySet().iterator();
        it.hasNext() && entries.size() > target; ) {
      it.next();
      it.remove();
    }
  }

  private long nowSeconds() {
    return clock.millis() / 1000;
  }

  /**
   * A token as a map key, hashed over its length and last characters only: String's own hash reads
   * all of a token of a kilobyte or so, on every request whose token is a new String.
   */
  private static final class Key {
    private final String token;
    private final int hash;

    Key(String token) {
      this.token = token;
      int length = token.length();
      int h = length;
      for (int i = Math.max(0, length - HASHED_CHARS); i < length; i++) {
        h = 31 * h + token.charAt(i);
      }
      this.hash = h;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && key.hash == hash && key.token.equals(token);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
