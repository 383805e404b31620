package dev.edgestack.balancer;

import java.time.Duration;

/** A clock that moves only when a test says so. */
final class ManualTicker implements Ticker {
  private long nanos = 1_000_000_000L;

  @Override
  public long nanos() {
    return nanos;
  }

  void advance(Duration duration) {
    nanos += duration.toNanos();
  }
}
