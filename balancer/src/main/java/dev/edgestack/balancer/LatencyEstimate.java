package dev.edgestack.balancer;

/**
 * A time-decaying average of response times: a sample taken {@code t} after the previous one weighs
 * {@code 1 - exp(-t / decay)}, and at least 0.05 so that a busy endpoint's estimate still moves
 * with each answer. Updates take the lock; reads are volatile loads.
 */
public final class LatencyEstimate {
  private volatile double nanos = Double.NaN;
  private volatile long lastSample;

  /** The estimate in nanoseconds, or {@code NaN} before the first sample. */
  public double nanos() {
    return nanos;
  }

  /**
   * The estimate as of {@code now}: while no sample comes in it fades towards zero with a time
   * constant of a tenth of {@code decayNanos} (as Finagle's peak EWMA fades), so that an endpoint
   * that lost its share (one slow warm-up answer, or fast failures) is tried again within seconds
   * instead of staying starved on an old verdict. {@code NaN} before any sample.
   */
  public double nanosAt(long now, long decayNanos) {
    double current = nanos;
    long idle = now - lastSample;
    return idle <= 0 ? current : current * Math.exp(-10.0 * idle / decayNanos);
  }

  public boolean hasSample() {
    return !Double.isNaN(nanos);
  }

  /** Adds a sample of {@code sampleNanos} taken at {@code now}. */
  public synchronized void record(double sampleNanos, long now, long decayNanos) {
    // Blend with what the estimate has faded to, so an endpoint back from idleness starts afresh.
    double current = nanosAt(now, decayNanos);
    if (Double.isNaN(current)) {
      nanos = sampleNanos;
    } else {
      double elapsed = Math.max(0, now - lastSample);
      // At least a small step, so that a burst of samples at one instant still moves it.
      double w = Math.max(0.05, 1 - Math.exp(-elapsed / decayNanos));
      nanos = current + w * (sampleNanos - current);
    }
    lastSample = now;
  }
}
