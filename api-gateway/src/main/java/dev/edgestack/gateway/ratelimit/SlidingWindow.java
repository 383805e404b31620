package dev.edgestack.gateway.ratelimit;

import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;

/**
 * A sliding window of one period counted in {@link #BUCKETS} buckets of {@code period / 10}. A
 * request at {@code now} in bucket {@code k} counts the buckets {@code k - 10} to {@code k}, which
 * always cover the last full period: no interval of one period ever holds more than {@code limit}
 * tokens. The price of that guarantee is that a request may be rejected up to one bucket (a tenth
 * of the period) before the true sliding window would have admitted it. The state is a {@code
 * long[]}: the newest bucket's index, then eleven counts in a ring.
 */
final class SlidingWindow implements LimitAlgorithm {
  static final int BUCKETS = 10;
  static final byte WIRE = 2;
  private static final long serialVersionUID = 1L;
  private static final int SLOTS = BUCKETS + 1;

  private final long limit;
  private final long bucketMicros;

  private SlidingWindow(long limit, long bucketMicros) {
    this.limit = limit;
    this.bucketMicros = bucketMicros;
  }

  static SlidingWindow of(int limit, Duration period) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    long periodMicros = period.toNanos() / 1_000;
    if (periodMicros < BUCKETS) {
      throw new IllegalArgumentException("period: " + period + " (expected: >= 10 microseconds)");
    }
    return new SlidingWindow(limit, periodMicros / BUCKETS);
  }

  static SlidingWindow ofMicros(long limit, long bucketMicros) {
    return new SlidingWindow(limit, bucketMicros);
  }

  @Override
  public void writeTo(ObjectDataOutput out) throws IOException {
    out.writeByte(WIRE);
    out.writeLong(limit);
    out.writeLong(bucketMicros);
  }

  @Override
  public long capacity() {
    return limit;
  }

  @Override
  public Duration memory() {
    return Duration.ofNanos(bucketMicros * SLOTS * 1_000L);
  }

  @Override
  public LimitStep acquire(Serializable state, long nowMicros, long need, long want, int share) {
    long bucket = bucketAt(state, nowMicros);
    long[] counts = advanced(state, bucket);
    long used = 0;
    for (int i = 1; i <= SLOTS; i++) {
      used += counts[i];
    }
    long available = Math.max(0, limit - used);
    if (available < need) {
      return new LimitStep(
          RateLimitDecision.REJECTED,
          state,
          0,
          available,
          retryAfter(counts, bucket, used, need, nowMicros),
          reset(counts, bucket, nowMicros));
    }
    long granted = Math.max(need, Math.min(want, need + (available - need) / Math.max(1, share)));
    counts[slot(bucket)] += granted;
    return new LimitStep(
        RateLimitDecision.ADMITTED,
        counts,
        granted,
        available - granted,
        0,
        reset(counts, bucket, nowMicros));
  }

  @Override
  public Serializable refund(Serializable state, long nowMicros, long tokens, long takenAtMicros) {
    if (state == null) {
      return null;
    }
    long taken = Math.floorDiv(takenAtMicros, bucketMicros);
    long[] counts = advanced(state, bucketAt(state, nowMicros));
    if (counts[0] - taken <= BUCKETS && taken <= counts[0]) {
      counts[slot(taken)] -= Math.min(tokens, counts[slot(taken)]);
    }
    return counts;
  }

  /**
   * The bucket of {@code nowMicros}; a caller whose clock is behind the newest step counts into the
   * newest bucket, so buckets only move forward.
   */
  private long bucketAt(Serializable state, long nowMicros) {
    long bucket = Math.floorDiv(nowMicros, bucketMicros);
    return state == null ? bucket : Math.max(bucket, ((long[]) state)[0]);
  }

  /** A copy of the state moved on to {@code bucket} (not older than its newest bucket). */
  private static long[] advanced(Serializable state, long bucket) {
    long[] counts = new long[SLOTS + 1];
    counts[0] = bucket;
    if (state == null) {
      return counts;
    }
    long[] old = (long[]) state;
    long newest = old[0];
    if (bucket - newest <= BUCKETS) {
      System.arraycopy(old, 1, counts, 1, SLOTS);
      for (long b = newest + 1; b <= bucket; b++) {
        counts[slot(b)] = 0;
      }
    }
    return counts;
  }

  /** The earliest start of a bucket at which enough old buckets have fallen out. */
  private long retryAfter(long[] counts, long bucket, long used, long need, long nowMicros) {
    long newest = bucket;
    long left = used;
    for (long d = 1; d <= SLOTS; d++) {
      // Bucket newest - 10 + d - 1 drops out when bucket newest + d begins.
      left -= counts[slot(newest + d)];
      if (left + need <= limit) {
        return (newest + d) * bucketMicros - nowMicros;
      }
    }
    return (newest + SLOTS) * bucketMicros - nowMicros;
  }

  /** Until every counted token has fallen out of the window. */
  private long reset(long[] counts, long bucket, long nowMicros) {
    for (long b = bucket; b > bucket - SLOTS; b--) {
      if (counts[slot(b)] > 0) {
        return (b + SLOTS) * bucketMicros - nowMicros;
      }
    }
    return 0;
  }

  private static int slot(long bucket) {
    return 1 + (int) Math.floorMod(bucket, (long) SLOTS);
  }
}
