package dev.edgestack.balancer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One member of a pool. Active health checks, outlier detection and draining each set their own
 * flag; the pool derives whether the endpoint is usable and publishes a new picker when that
 * changes. The endpoint also carries what load-aware strategies read: requests in flight and a
 * decaying latency estimate.
 */
public final class Endpoint {
  private final EndpointAddress address;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LatencyEstimate latency = new LatencyEstimate();
  private volatile int weight;
  private volatile boolean healthy;
  private volatile boolean draining;
  private volatile boolean ejected;
  private volatile long slowStartSince;
  private volatile boolean slowStarting;

  public Endpoint(EndpointAddress address, int weight, boolean initiallyHealthy) {
    this.address = address;
    this.weight = checkWeight(weight);
    this.healthy = initiallyHealthy;
  }

  static int checkWeight(int weight) {
    if (weight < 1 || weight > EndpointSpec.MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight: " + weight + " (expected: 1.." + EndpointSpec.MAX_WEIGHT + ")");
    }
    return weight;
  }

  public EndpointAddress address() {
    return address;
  }

  /** The configured weight (1 unless set); slow start scales it down for a while. */
  public int weight() {
    return weight;
  }

  void weight(int value) {
    weight = checkWeight(value);
  }

  public boolean healthy() {
    return healthy;
  }

  public boolean draining() {
    return draining;
  }

  /** Whether outlier detection has taken the endpoint out of rotation for now. */
  public boolean ejected() {
    return ejected;
  }

  /** Whether new requests may go here. */
  public boolean usable() {
    return healthy && !draining && !ejected;
  }

  /** Returns whether the flag changed. */
  boolean healthy(boolean value) {
    boolean changed = healthy != value;
    healthy = value;
    return changed;
  }

  boolean draining(boolean value) {
    boolean changed = draining != value;
    draining = value;
    return changed;
  }

  boolean ejected(boolean value) {
    boolean changed = ejected != value;
    ejected = value;
    return changed;
  }

  /** Starts the slow-start ramp at {@code nanos}. */
  void slowStartFrom(long nanos) {
    slowStartSince = nanos;
    slowStarting = true;
  }

  void slowStartDone() {
    slowStarting = false;
  }

  boolean slowStarting() {
    return slowStarting;
  }

  long slowStartSince() {
    return slowStartSince;
  }

  public int inFlight() {
    return inFlight.get();
  }

  public void started() {
    inFlight.incrementAndGet();
  }

  /** Counts a request in flight if fewer than {@code limit} are; returns whether it did. */
  public boolean tryStart(int limit) {
    while (true) {
      int current = inFlight.get();
      if (current >= limit) {
        return false;
      }
      if (inFlight.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public void finished() {
    inFlight.decrementAndGet();
  }

  /** The decaying latency estimate that power-of-two-choices reads; errors count as slow. */
  public LatencyEstimate latency() {
    return latency;
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
