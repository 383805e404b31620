package dev.edgestack.gateway.ratelimit;

import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;

/**
 * The generic cell rate algorithm: {@code limit} tokens per {@code period}, up to {@code burst} at
 * once. The only state is the theoretical arrival time (TAT, a {@code Long} in microseconds); with
 * {@code T = period / limit}, {@code n} tokens are available at {@code now} when {@code max(TAT,
 * now) + n * T - burst * T <= now}, and taking them moves TAT by {@code n * T}. In any interval of
 * length {@code d}, at most {@code burst + floor(d / T)} tokens are granted.
 */
final class Gcra implements LimitAlgorithm {
  static final byte WIRE = 1;
  private static final long serialVersionUID = 2L;

  private final long emissionMicros;
  private final long toleranceMicros;
  private final long burst;

  private Gcra(long emissionMicros, long burst) {
    this.emissionMicros = emissionMicros;
    this.burst = burst;
    this.toleranceMicros = Math.multiplyExact(emissionMicros, burst);
  }

  static Gcra of(int limit, Duration period, int burst) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst: " + burst + " (expected: >= 1)");
    }
    long periodMicros = period.toNanos() / 1_000;
    if (periodMicros < limit) {
      throw new IllegalArgumentException(
          "period: " + period + " (expected: at least one microsecond per request)");
    }
    return new Gcra(periodMicros / limit, burst);
  }

  static Gcra ofMicros(long emissionMicros, long burst) {
    return new Gcra(emissionMicros, burst);
  }

  @Override
  public void writeTo(ObjectDataOutput out) throws IOException {
    out.writeByte(WIRE);
    out.writeLong(emissionMicros);
    out.writeLong(burst);
  }

  /** The interval between two tokens at the sustained rate. */
  long emissionMicros() {
    return emissionMicros;
  }

  @Override
  public long capacity() {
    return burst;
  }

  @Override
  public Duration memory() {
    return Duration.ofNanos(Math.multiplyExact(toleranceMicros, 1_000L));
  }

  @Override
  public LimitStep acquire(Serializable state, long nowMicros, long need, long want, int share) {
    return acquire(state, nowMicros, need, want, share, 0);
  }

  @Override
  public LimitStep acquire(
      Serializable state, long nowMicros, long need, long want, int share, long held) {
    long tat = state == null ? nowMicros : Math.max((Long) state, nowMicros);
    long available = (nowMicros + toleranceMicros - tat) / emissionMicros;
    if (available < need) {
      long allowAt = tat + need * emissionMicros - toleranceMicros;
      return new LimitStep(
          RateLimitDecision.REJECTED,
          state,
          0,
          Math.max(0, available),
          allowAt - nowMicros,
          tat - nowMicros);
    }
    long shareCap = need + (available + held - need) / Math.max(1, share) - held;
    long granted = held == 0 ? Math.max(need, Math.min(want, shareCap)) : Math.min(want, shareCap);
    if (granted < need) {
      // This gateway already holds its share: a lease refill takes nothing.
      return new LimitStep(RateLimitDecision.ADMITTED, tat, 0, available, 0, tat - nowMicros);
    }
    long newTat = tat + granted * emissionMicros;
    return new LimitStep(
        RateLimitDecision.ADMITTED, newTat, granted, available - granted, 0, newTat - nowMicros);
  }

  @Override
  public Serializable refund(Serializable state, long nowMicros, long tokens, long takenAtMicros) {
    if (state == null) {
      return null;
    }
    // Moving TAT back is exact: a TAT at or before now means a full burst either way.
    return Math.max(nowMicros, (Long) state - tokens * emissionMicros);
  }
}
