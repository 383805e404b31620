package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * Slow start: an endpoint that joins or comes back ramps its effective weight from {@code
 * minWeight} of its weight to all of it over {@code window}, along {@code (t / window)^(1 /
 * aggression)} (1 is linear; higher values ramp faster at first). A zero window turns it off.
 *
 * <pre>
 * slowStart: {window: 30s, aggression: 1.0, minWeight: 0.1}
 * </pre>
 */
public record SlowStartConfig(Duration window, double aggression, double minWeight) {
  public static final SlowStartConfig OFF = new SlowStartConfig(Duration.ZERO, 1, 0.1);

  public SlowStartConfig {
    if (window.isNegative()) {
      throw new IllegalArgumentException("window: " + window + " (expected: >= 0)");
    }
    if (!(aggression > 0)) {
      throw new IllegalArgumentException("aggression: " + aggression + " (expected: > 0)");
    }
    if (!(minWeight > 0 && minWeight <= 1)) {
      throw new IllegalArgumentException("minWeight: " + minWeight + " (expected: 0 < x <= 1)");
    }
  }

  public static SlowStartConfig from(ConfigNode node) {
    node.requireOnly("window", "aggression", "minWeight");
    return new SlowStartConfig(
        node.duration("window", Duration.ZERO, Duration.ZERO),
        node.decimal("aggression", 1.0, 0.1, 10),
        node.decimal("minWeight", 0.1, 0.01, 1));
  }

  public boolean enabled() {
    return !window.isZero();
  }

  /** The share of its weight an endpoint has {@code elapsedNanos} after it became usable. */
  public double factor(long elapsedNanos) {
    long windowNanos = window.toNanos();
    if (windowNanos == 0 || elapsedNanos >= windowNanos) {
      return 1;
    }
    double progress = Math.max(0, (double) elapsedNanos / windowNanos);
    return Math.max(minWeight, Math.pow(progress, 1 / aggression));
  }
}
