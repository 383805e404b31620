package dev.edgestack.gateway.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Tokens this gateway took from the store for one key and may spend without asking again, until
 * they run out or the lease expires. Unused tokens of an expired lease are returned to the store.
 * One fetch per key at a time: requests that find the lease empty while a fetch is in flight wait
 * for it instead of stampeding the store.
 */
final class Lease {
  private Promise<Void> fetching;
  private long tokens;
  private long takenAtMicros;
  private long expiresAtMicros;
  private long remainingAtGrant;
  private long resetMicrosAtGrant;

  /** Takes {@code cost} tokens if the lease is live and holds them; else returns false. */
  synchronized boolean take(long cost, long nowMicros) {
    if (nowMicros >= expiresAtMicros || tokens < cost) {
      return false;
    }
    tokens -= cost;
    return true;
  }

  /**
   * Starts a fetch from the store unless one is in flight: returns the promise to complete when it
   * ends, or null when another request is already fetching (then wait for {@link #fetching()}).
   */
  synchronized Promise<Void> beginFetch() {
    if (fetching != null) {
      return null;
    }
    fetching = Promise.promise();
    return fetching;
  }

  /** The fetch in flight, if any. */
  synchronized Future<Void> fetching() {
    return fetching == null ? null : fetching.future();
  }

  synchronized void endFetch(Promise<Void> fetch) {
    if (fetching == fetch) {
      fetching = null;
    }
    fetch.tryComplete();
  }

  /** Gives {@code cost} tokens back (the request was rejected by another policy). */
  synchronized void giveBack(long cost, long nowMicros) {
    if (nowMicros < expiresAtMicros) {
      tokens += cost;
    }
  }

  /**
   * Adds {@code tokens} spare tokens: to the live lease (keeping its expiry, so that no token is
   * spent later than one ttl after it was taken), or as a new lease.
   */
  synchronized void renew(long tokens, long nowMicros, long ttlMicros, LimitStep step) {
    if (nowMicros < expiresAtMicros) {
      this.tokens += tokens;
      return;
    }
    this.tokens = tokens;
    this.takenAtMicros = nowMicros;
    this.expiresAtMicros = nowMicros + ttlMicros;
    this.remainingAtGrant = step.remaining();
    this.resetMicrosAtGrant = step.resetMicros();
  }

  /** Empties an expired lease: how many tokens to return, taken at {@link #takenAtMicros()}. */
  synchronized long drainExpired(long nowMicros) {
    if (nowMicros < expiresAtMicros) {
      return 0;
    }
    long unused = tokens;
    tokens = 0;
    return unused;
  }

  synchronized long takenAtMicros() {
    return takenAtMicros;
  }

  synchronized boolean expired(long nowMicros) {
    return nowMicros >= expiresAtMicros;
  }

  /** What the client is told: the store's remaining at grant plus what is left here. */
  synchronized LimitStep estimate(long nowMicros) {
    return new LimitStep(
        RateLimitDecision.ADMITTED,
        null,
        0,
        remainingAtGrant + tokens,
        0,
        Math.max(0, resetMicrosAtGrant - (nowMicros - takenAtMicros)));
  }
}
