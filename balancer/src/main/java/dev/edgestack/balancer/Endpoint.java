package dev.edgestack.balancer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One member of a pool. Health checking and draining each set their own flag; the pool derives
 * whether the endpoint is usable and publishes a new picker when that changes.
 */
public final class Endpoint {
  private final EndpointAddress address;
  private final int weight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean healthy;
  private volatile boolean draining;

  public Endpoint(EndpointAddress address, int weight, boolean initiallyHealthy) {
    if (weight < 1) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
    }
    this.address = address;
    this.weight = weight;
    this.healthy = initiallyHealthy;
  }

  public EndpointAddress address() {
    return address;
  }

  public int weight() {
    return weight;
  }

  public boolean healthy() {
    return healthy;
  }

  public boolean draining() {
    return draining;
  }

  /** Whether new requests may go here. */
  public boolean usable() {
    return healthy && !draining;
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

  public int inFlight() {
    return inFlight.get();
  }

  public void started() {
    inFlight.incrementAndGet();
  }

  public void finished() {
    inFlight.decrementAndGet();
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
