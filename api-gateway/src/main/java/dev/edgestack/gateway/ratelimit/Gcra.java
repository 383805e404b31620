package dev.edgestack.gateway.ratelimit;

import java.io.Serializable;
import java.time.Duration;

/**
 * The generic cell rate algorithm: {@code limit} requests per {@code period}, up to {@code burst}
 * at once. The only state is the theoretical arrival time (TAT); a request at {@code now} is
 * admitted when {@code max(TAT, now) + T - burst * T <= now} with {@code T = period / limit}, and
 * then moves TAT by {@code T}. A rejected request changes nothing. Pure arithmetic: time is an
 * argument, so the clock is whoever calls it.
 */
public final class Gcra implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long emissionMicros;
  private final long toleranceMicros;

  private Gcra(long emissionMicros, long toleranceMicros) {
    this.emissionMicros = emissionMicros;
    this.toleranceMicros = toleranceMicros;
  }

  public static Gcra of(int limit, Duration period, int burst) {
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
    long emission = periodMicros / limit;
    return new Gcra(emission, Math.multiplyExact(emission, (long) burst));
  }

  /** The interval between two requests at the sustained rate. */
  public long emissionMicros() {
    return emissionMicros;
  }

  /**
   * One request at {@code nowMicros} against the stored TAT ({@code null} when there is none, such
   * as for a new key or after expiry).
   */
  public GcraResult evaluate(Long storedTatMicros, long nowMicros) {
    long tat = storedTatMicros == null ? nowMicros : Math.max(storedTatMicros, nowMicros);
    long newTat = tat + emissionMicros;
    long allowAt = newTat - toleranceMicros;
    if (nowMicros < allowAt) {
      return new GcraResult(
          RateLimitDecision.REJECTED, tat, 0, allowAt - nowMicros, tat - nowMicros);
    }
    long remaining = (nowMicros + toleranceMicros - newTat) / emissionMicros;
    return new GcraResult(RateLimitDecision.ADMITTED, newTat, remaining, 0, newTat - nowMicros);
  }
}
