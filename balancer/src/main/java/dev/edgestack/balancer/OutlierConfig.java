package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * Passive outlier detection: {@code consecutive5xx} answers of 5xx in a row, or {@code
 * consecutiveLocalFailures} connect failures, timeouts and resets in a row (counted apart), eject
 * an endpoint for {@code baseEjectionTime} times the number of its ejections so far, at most {@code
 * maxEjectionTime}. At most {@code maxEjectionShare} of the endpoints are ejected at once (at least
 * one when the pool has two or more). Every {@code interval} without ejection lowers an endpoint's
 * ejection count by one. A value of 0 turns a counter off.
 *
 * <pre>
 * outlierDetection: {enabled: true, consecutive5xx: 5, consecutiveLocalFailures: 5,
 *                    baseEjectionTime: 30s, maxEjectionTime: 5m, maxEjectionShare: 0.5,
 *                    interval: 10s}
 * </pre>
 */
public record OutlierConfig(
    boolean enabled,
    int consecutive5xx,
    int consecutiveLocalFailures,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    double maxEjectionShare,
    Duration interval) {

  public static final OutlierConfig OFF =
      new OutlierConfig(
          false, 5, 5, Duration.ofSeconds(30), Duration.ofMinutes(5), 0.5, Duration.ofSeconds(10));

  public static OutlierConfig from(ConfigNode node) {
    node.requireOnly(
        "enabled",
        "consecutive5xx",
        "consecutiveLocalFailures",
        "baseEjectionTime",
        "maxEjectionTime",
        "maxEjectionShare",
        "interval");
    Duration base = node.duration("baseEjectionTime", OFF.baseEjectionTime(), Duration.ofMillis(1));
    Duration max = node.duration("maxEjectionTime", OFF.maxEjectionTime(), Duration.ofMillis(1));
    if (max.compareTo(base) < 0) {
      throw node.error(
          "maxEjectionTime", max.toMillis() + "ms", "at least baseEjectionTime (" + base + ")");
    }
    return new OutlierConfig(
        node.bool("enabled", node.has("consecutive5xx") || node.has("consecutiveLocalFailures")),
        node.integer("consecutive5xx", OFF.consecutive5xx(), 0, 1000),
        node.integer("consecutiveLocalFailures", OFF.consecutiveLocalFailures(), 0, 1000),
        base,
        max,
        node.decimal("maxEjectionShare", OFF.maxEjectionShare(), 0, 1),
        node.duration("interval", OFF.interval(), Duration.ofMillis(10)));
  }

  /** How long the {@code n}th ejection (from 1) lasts. */
  public Duration ejectionTime(int n) {
    Duration time = baseEjectionTime.multipliedBy(Math.max(1, n));
    return time.compareTo(maxEjectionTime) > 0 ? maxEjectionTime : time;
  }

  /** How many of {@code total} endpoints may be ejected at once. */
  public int maxEjected(int total) {
    int allowed = (int) Math.floor(maxEjectionShare * total);
    return total >= 2 && maxEjectionShare > 0 ? Math.max(1, allowed) : allowed;
  }
}
