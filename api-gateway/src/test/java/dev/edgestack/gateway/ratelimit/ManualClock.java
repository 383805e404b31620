package dev.edgestack.gateway.ratelimit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when a test tells it to; safe to read from any thread. */
final class ManualClock extends Clock {
  private final AtomicLong micros;

  ManualClock(long micros) {
    this.micros = new AtomicLong(micros);
  }

  static ManualClock at2025() {
    return new ManualClock(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli() * 1_000);
  }

  long micros() {
    return micros.get();
  }

  void advanceMicros(long delta) {
    micros.addAndGet(delta);
  }

  void advanceMillis(long delta) {
    advanceMicros(delta * 1_000);
  }

  @Override
  public Instant instant() {
    long now = micros.get();
    return Instant.ofEpochSecond(
        Math.floorDiv(now, 1_000_000), Math.floorMod(now, 1_000_000) * 1_000);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
