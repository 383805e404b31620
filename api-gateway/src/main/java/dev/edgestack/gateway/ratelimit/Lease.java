package dev.edgestack.gateway.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Tokens this gateway took from the store for one key and may spend without asking again, until
 * they run out or expire one ttl after they were taken. Unused tokens of an expired grant are
 * returned to the store. One fetch per key at a time: requests that find the lease empty while a
 * fetch is in flight wait for it instead of stampeding the store.
 *
 * <p>A busy lease is refilled early: once a request leaves it running low (see {@link #spend}), it
 * starts a fetch and the following requests keep spending the rest meanwhile. The new grant is kept
 * apart with its own expiry and is spent once the older one is used up or expired, so no token is
 * ever spent later than one ttl after it was taken.
 */
final class Lease {
  private Promise<Void> fetching;
  // The grant being spent, and the one refilled early (spent when the first is used up).
  private long tokens;
  private long takenAtMicros;
  private long expiresAtMicros;
  private long nextTokens;
  private long nextTakenAtMicros;
  private long nextExpiresAtMicros;
  private long lastGrant;
  // Tokens of expired (or too small to use) grants, to give back at the next chance.
  private long unreturned;
  private long unreturnedTakenAtMicros;
  private long remainingAtGrant;
  private long resetMicrosAtGrant;
  // Tokens asked for by requests in all, and while the last early refill was out (-1: none has
  // finished yet): the pace that sets when the next refill starts.
  private long demanded;
  private long demandedAtRefillStart;
  private long demandedDuringRefill = -1;
  private boolean refilling;

  /**
   * What one request found in the lease: the remaining requests and time to full it tells the
   * client, and the early refill it started (complete it with {@link #endFetch}), if any.
   */
  record Spent(long remaining, long resetMicros, Promise<Void> refill) {}

  /**
   * Takes {@code cost} tokens if a live grant holds them, and starts an early refill when this
   * leaves the lease running low; returns null, taking nothing, when the lease cannot pay. One lock
   * for all of it: this runs for nearly every request of a leased policy.
   */
  synchronized Spent spend(long cost, long nowMicros) {
    demanded += cost;
    if (!take(cost, nowMicros)) {
      return null;
    }
    return spent(nowMicros, beginRefill(cost, nowMicros));
  }

  /** What the client is told after a {@link #take}: the store's remaining at grant plus ours. */
  synchronized Spent spent(long nowMicros, Promise<Void> refill) {
    return new Spent(
        remainingAtGrant + tokens + nextTokens,
        Math.max(0, resetMicrosAtGrant - (nowMicros - takenAtMicros)),
        refill);
  }

  /** Takes {@code cost} tokens if a live grant holds them; else returns false. */
  synchronized boolean take(long cost, long nowMicros) {
    expire(nowMicros);
    if (tokens < cost && nextTokens >= cost) {
      retire(tokens, takenAtMicros);
      promote();
    }
    if (tokens < cost) {
      return false;
    }
    tokens -= cost;
    return true;
  }

  /**
   * Starts an early refill if this lease is running low and nothing is being fetched: returns the
   * promise to complete when it ends (see {@link #endFetch}), or null. Only a lease whose last
   * grant was more than one request's worth refills early: near the limit grants shrink to the
   * request's cost, and there every request asks the store, as an exact policy does.
   *
   * <p>Running low means that what is left of the grant would last no longer than about twice the
   * last refill took, at the pace requests asked for tokens during it (so the next grant arrives
   * before this one is used up), and never more than half of the grant: the later a refill starts,
   * the more it can ask for under {@code maxBatch}, and the fewer store calls a busy key makes.
   */
  private Promise<Void> beginRefill(long cost, long nowMicros) {
    if (fetching != null || nextTokens > 0 || lastGrant < 2 * cost) {
      return null;
    }
    if (tokens > refillAt(cost) || nowMicros >= expiresAtMicros) {
      return null;
    }
    fetching = Promise.promise();
    refilling = true;
    demandedAtRefillStart = demanded;
    return fetching;
  }

  private long refillAt(long cost) {
    long half = lastGrant / 2;
    if (demandedDuringRefill < 0) {
      return half;
    }
    return Math.min(half, Math.max(cost, 2 * demandedDuringRefill));
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

  /** Ends an early refill that never asked the store: it says nothing about the pace. */
  synchronized void abandonRefill(Promise<Void> fetch) {
    if (fetching == fetch) {
      refilling = false;
    }
    endFetch(fetch);
  }

  synchronized void endFetch(Promise<Void> fetch) {
    if (fetching == fetch) {
      fetching = null;
      if (refilling) {
        refilling = false;
        demandedDuringRefill = demanded - demandedAtRefillStart;
      }
    }
    fetch.tryComplete();
  }

  /** Gives {@code cost} tokens back (the request was rejected by another policy). */
  synchronized void giveBack(long cost, long nowMicros) {
    if (nowMicros < expiresAtMicros) {
      tokens += cost;
    }
  }

  /** The tokens this gateway holds for the key right now (both grants). */
  synchronized long held(long nowMicros) {
    expire(nowMicros);
    return tokens + nextTokens;
  }

  /**
   * Adds a grant of {@code granted} spare tokens taken at {@code nowMicros}, with its own expiry:
   * spent after the current grant, or at once when that one is used up.
   */
  synchronized void add(long granted, long nowMicros, long ttlMicros, LimitStep step) {
    expire(nowMicros);
    this.lastGrant = granted;
    if (granted <= 0) {
      return;
    }
    if (nextTokens > 0) {
      retire(tokens, takenAtMicros);
      promote();
    }
    if (tokens > 0) {
      nextTokens = granted;
      nextTakenAtMicros = nowMicros;
      nextExpiresAtMicros = nowMicros + ttlMicros;
    } else {
      tokens = granted;
      takenAtMicros = nowMicros;
      expiresAtMicros = nowMicros + ttlMicros;
    }
    this.remainingAtGrant = step.remaining();
    this.resetMicrosAtGrant = step.resetMicros();
  }

  /**
   * Empties expired grants: how many tokens to return, taken at {@link #takenAtMicros()} (the
   * latest of them; moving a GCRA state back is exact whatever the time).
   */
  synchronized long drainExpired(long nowMicros) {
    expire(nowMicros);
    long unused = unreturned;
    unreturned = 0;
    return unused;
  }

  /** When the tokens {@link #drainExpired} last handed out were taken. */
  synchronized long takenAtMicros() {
    return unreturnedTakenAtMicros;
  }

  synchronized boolean expired(long nowMicros) {
    return nowMicros >= expiresAtMicros && (nextTokens == 0 || nowMicros >= nextExpiresAtMicros);
  }

  private void expire(long nowMicros) {
    if (nextTokens > 0 && nowMicros >= nextExpiresAtMicros) {
      retire(nextTokens, nextTakenAtMicros);
      nextTokens = 0;
    }
    if (nowMicros >= expiresAtMicros) {
      retire(tokens, takenAtMicros);
      tokens = 0;
    }
    if (tokens == 0 && nextTokens > 0) {
      promote();
    }
  }

  private void retire(long unused, long takenAt) {
    if (unused > 0) {
      unreturned += unused;
      unreturnedTakenAtMicros = Math.max(unreturnedTakenAtMicros, takenAt);
    }
  }

  private void promote() {
    tokens = nextTokens;
    takenAtMicros = nextTakenAtMicros;
    expiresAtMicros = nextExpiresAtMicros;
    nextTokens = 0;
  }
}
