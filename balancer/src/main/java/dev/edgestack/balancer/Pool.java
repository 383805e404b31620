package dev.edgestack.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A named set of endpoints with a strategy. Membership and health changes publish a new immutable
 * picker through a volatile field, so that picking never locks.
 */
public final class Pool {
  private final String name;
  private final BalancingStrategy strategy;
  private final List<Endpoint> endpoints;
  private volatile Picker picker;
  private volatile int usableCount;

  public Pool(String name, BalancingStrategy strategy, List<Endpoint> endpoints) {
    this.name = Objects.requireNonNull(name, "name");
    this.strategy = Objects.requireNonNull(strategy, "strategy");
    this.endpoints = List.copyOf(endpoints);
    republish();
  }

  public String name() {
    return name;
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** A usable endpoint not yet tried by this request, or {@code null}. */
  public Endpoint pick(Set<Endpoint> alreadyTried) {
    return picker.pick(alreadyTried);
  }

  public int usableCount() {
    return usableCount;
  }

  /** Called by the active health checker; returns whether the state changed. */
  public boolean markHealthy(Endpoint endpoint, boolean healthy) {
    boolean changed;
    synchronized (this) {
      changed = endpoint.healthy(healthy);
      if (changed) {
        republish();
      }
    }
    return changed;
  }

  /** Stops sending new requests to {@code endpoint}; in-flight ones finish. */
  public boolean drain(Endpoint endpoint, boolean draining) {
    synchronized (this) {
      boolean changed = endpoint.draining(draining);
      if (changed) {
        republish();
      }
      return changed;
    }
  }

  private void republish() {
    List<Endpoint> usable = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      if (endpoint.usable()) {
        usable.add(endpoint);
      }
    }
    usableCount = usable.size();
    picker = strategy.newPicker(usable);
  }
}
