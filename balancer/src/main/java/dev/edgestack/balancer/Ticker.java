package dev.edgestack.balancer;

/**
 * A monotonic clock in nanoseconds. Slow start, latency estimates and ejections read time only
 * through it, so that tests drive them with a manual clock.
 */
@FunctionalInterface
public interface Ticker {
  long nanos();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
