package dev.edgestack.gateway.ratelimit;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;

/**
 * The arithmetic of one rate-limit policy over a serializable state per key. Pure: the time is an
 * argument, so the same step run on a key's owner and on its backup reaches the same state, and
 * tests drive it with a manual clock. A rejected step never changes the state.
 */
public interface LimitAlgorithm extends Serializable {

  /**
   * The generic cell rate algorithm: {@code limit} per {@code period}, bursts up to {@code burst}.
   */
  static LimitAlgorithm gcra(int limit, Duration period, int burst) {
    return Gcra.of(limit, period, burst);
  }

  /**
   * A sliding window of {@code period} counted in ten buckets: never more than {@code limit} in any
   * interval of one period.
   */
  static LimitAlgorithm slidingWindow(int limit, Duration period) {
    return SlidingWindow.of(limit, period);
  }

  /**
   * Takes at least {@code need} and at most {@code want} tokens at {@code nowMicros}, never more
   * than {@code 1 / share} of what is available beyond {@code need} (a lease leaves the rest to the
   * other gateways); {@code state} is null for a new or expired key.
   */
  LimitStep acquire(Serializable state, long nowMicros, long need, long want, int share);

  /**
   * As {@link #acquire(Serializable, long, long, long, int)} for a gateway that refills its lease
   * while it still holds {@code held} tokens of this key: what it holds counts against its share,
   * so that afterwards it holds at most {@code need} plus {@code 1 / share} of the tokens beyond
   * {@code need} that were spare or held. Grants nothing (admitted, zero tokens) when it already
   * holds that much. Only algorithms that lease implement it.
   */
  default LimitStep acquire(
      Serializable state, long nowMicros, long need, long want, int share, long held) {
    throw new UnsupportedOperationException("leases need gcra");
  }

  /** Gives back {@code tokens} taken at {@code takenAtMicros} (a refund or an unused lease). */
  Serializable refund(Serializable state, long nowMicros, long tokens, long takenAtMicros);

  /** The most tokens a key can hold at once (the burst). */
  long capacity();

  /** How long a key's state matters after its last step: idle keys may be forgotten after. */
  Duration memory();

  /** Writes the parameters for the key's owner (see {@link #readFrom}). */
  void writeTo(ObjectDataOutput out) throws IOException;

  /** The algorithm {@link #writeTo} wrote. */
  static LimitAlgorithm readFrom(ObjectDataInput in) throws IOException {
    byte kind = in.readByte();
    long first = in.readLong();
    long second = in.readLong();
    return switch (kind) {
      case Gcra.WIRE -> Gcra.ofMicros(first, second);
      case SlidingWindow.WIRE -> SlidingWindow.ofMicros(first, second);
      default -> throw new IOException("unknown rate-limit algorithm " + kind);
    };
  }

  /** One request's step: exactly {@code cost} tokens. */
  default LimitStep acquire(Serializable state, long nowMicros, long cost) {
    return acquire(state, nowMicros, cost, cost, 1);
  }
}
