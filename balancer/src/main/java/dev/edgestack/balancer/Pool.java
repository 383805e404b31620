package dev.edgestack.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named set of endpoints with a strategy. Health, ejection, draining, weight and membership
 * changes publish a new immutable picker through a volatile field, so that picking never locks.
 * While an endpoint ramps up in slow start, {@link #refresh()} republishes with its grown weight.
 *
 * <pre>
 * Pool pool = Pool.builder("accounts", BalancingStrategy.weightedRoundRobin())
 *     .endpoints(endpoints)
 *     .slowStart(new SlowStartConfig(Duration.ofSeconds(30), 1, 0.1))
 *     .build();
 * Endpoint chosen = pool.pick(Set.of());
 * </pre>
 */
public final class Pool {
  private static final Logger LOG = LoggerFactory.getLogger(Pool.class);

  private final String name;
  private final BalancingStrategy strategy;
  private final SlowStartConfig slowStart;
  private final PanicConfig panic;
  private final LatencyConfig latency;
  private final Ticker ticker;
  private volatile List<Endpoint> endpoints;
  private volatile Picker picker;
  private volatile int usableCount;
  private volatile boolean panicking;
  private volatile boolean ramping;
  private volatile OutlierDetector outliers = OutlierDetector.NONE;

  public Pool(String name, BalancingStrategy strategy, List<Endpoint> endpoints) {
    this(builder(name, strategy).endpoints(endpoints));
  }

  private Pool(Builder builder) {
    this.name = builder.name;
    this.strategy = builder.strategy;
    this.slowStart = builder.slowStart;
    this.panic = builder.panic;
    this.latency = builder.latency;
    this.ticker = builder.ticker;
    this.endpoints = List.copyOf(builder.endpoints);
    synchronized (this) {
      republish();
    }
  }

  public static Builder builder(String name, BalancingStrategy strategy) {
    return new Builder(name, strategy);
  }

  public String name() {
    return name;
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  public Optional<Endpoint> endpoint(EndpointAddress address) {
    for (Endpoint endpoint : endpoints) {
      if (endpoint.address().equals(address)) {
        return Optional.of(endpoint);
      }
    }
    return Optional.empty();
  }

  /** A usable endpoint not yet tried by this request, or {@code null}. */
  public Endpoint pick(Set<Endpoint> alreadyTried) {
    return picker.pick(alreadyTried);
  }

  /** As {@link #pick(Set)}, for a request whose hash key is {@code hash}. */
  public Endpoint pick(Set<Endpoint> alreadyTried, long hash) {
    return picker.pick(alreadyTried, hash);
  }

  /** As {@link #pick(Set, long)}, with the reason: for the debug header only. */
  public Choice explain(Set<Endpoint> alreadyTried, long hash) {
    Choice choice = picker.explain(alreadyTried, hash);
    Endpoint endpoint = choice.endpoint();
    if (endpoint != null && choice.reason().startsWith("turn of ")) {
      return new Choice(
          endpoint,
          String.format(
              Locale.ROOT,
              "turn of %s(weight=%d,effectiveWeight=%.2f,inFlight=%d)",
              endpoint,
              endpoint.weight(),
              effectiveWeight(endpoint),
              endpoint.inFlight()));
    }
    return choice;
  }

  /** Whether some usable endpoint is not in {@code excluded}; unlike a pick, changes nothing. */
  public boolean hasUsableOutside(Set<Endpoint> excluded) {
    for (Endpoint endpoint : endpoints) {
      if (endpoint.usable() && !excluded.contains(endpoint)) {
        return true;
      }
    }
    return panicking && panic.mode() == PanicConfig.Mode.USE_ALL;
  }

  public int usableCount() {
    return usableCount;
  }

  /** Whether too few endpoints are usable and the panic behaviour applies. */
  public boolean panicking() {
    return panicking;
  }

  public PanicConfig panicConfig() {
    return panic;
  }

  /** Whether some endpoint is still ramping up in slow start. */
  public boolean ramping() {
    return ramping;
  }

  /** The weight an endpoint has in the current picker: its weight times its slow-start factor. */
  public double effectiveWeight(Endpoint endpoint) {
    return endpoint.weight() * slowStartFactor(endpoint, ticker.nanos());
  }

  /** Reports one attempt's outcome: feeds the latency estimate and outlier detection. */
  public void report(Endpoint endpoint, Outcome outcome, long latencyNanos) {
    latency.observe(endpoint, outcome, latencyNanos, ticker.nanos());
    outliers.observe(endpoint, outcome);
  }

  void outlierDetector(OutlierDetector detector) {
    this.outliers = Objects.requireNonNull(detector, "detector");
  }

  /** Called by the active health checker; returns whether the state changed. */
  public boolean markHealthy(Endpoint endpoint, boolean healthy) {
    return change(endpoint, () -> endpoint.healthy(healthy));
  }

  /** Stops sending new requests to {@code endpoint}; in-flight ones finish. */
  public boolean drain(Endpoint endpoint, boolean draining) {
    return change(endpoint, () -> endpoint.draining(draining));
  }

  /** Called by outlier detection; returns whether the state changed. */
  public boolean eject(Endpoint endpoint, boolean ejected) {
    return change(endpoint, () -> endpoint.ejected(ejected));
  }

  /** Sets the configured weight of {@code endpoint}. */
  public void weight(Endpoint endpoint, int weight) {
    change(
        endpoint,
        () -> {
          endpoint.weight(weight);
          return true;
        });
  }

  /** Adds an endpoint (in slow start, when configured); fails if its address is taken. */
  public synchronized Endpoint add(EndpointSpec spec, boolean healthy) {
    if (endpoint(spec.address()).isPresent()) {
      throw new IllegalArgumentException("endpoint: " + spec.address() + " (expected: a new one)");
    }
    Endpoint endpoint = new Endpoint(spec.address(), spec.weight(), healthy);
    if (endpoint.usable() && slowStart.enabled()) {
      endpoint.slowStartFrom(ticker.nanos());
    }
    List<Endpoint> more = new ArrayList<>(endpoints);
    more.add(endpoint);
    endpoints = List.copyOf(more);
    republish();
    return endpoint;
  }

  /** Removes an endpoint; requests in flight on it finish. Returns whether it was a member. */
  public synchronized boolean remove(Endpoint endpoint) {
    List<Endpoint> fewer = new ArrayList<>(endpoints);
    boolean removed = fewer.remove(endpoint);
    if (removed) {
      endpoints = List.copyOf(fewer);
      republish();
    }
    return removed;
  }

  /** Republishes while slow start is ramping some endpoint; cheap otherwise. */
  public void refresh() {
    if (ramping) {
      synchronized (this) {
        republish();
      }
    }
  }

  private interface Change {
    boolean apply();
  }

  private synchronized boolean change(Endpoint endpoint, Change change) {
    boolean wasUsable = endpoint.usable();
    boolean changed = change.apply();
    if (changed) {
      if (!wasUsable && endpoint.usable() && slowStart.enabled()) {
        endpoint.slowStartFrom(ticker.nanos());
      }
      republish();
    }
    return changed;
  }

  private double slowStartFactor(Endpoint endpoint, long now) {
    if (!endpoint.slowStarting()) {
      return 1;
    }
    double factor = slowStart.factor(now - endpoint.slowStartSince());
    if (factor >= 1) {
      endpoint.slowStartDone();
    }
    return factor;
  }

  // Callers hold the lock.
  private void republish() {
    long now = ticker.nanos();
    List<Endpoint> members = endpoints;
    List<Candidate> candidates = new ArrayList<>(members.size());
    boolean stillRamping = false;
    for (Endpoint endpoint : members) {
      if (endpoint.usable()) {
        double factor = slowStartFactor(endpoint, now);
        stillRamping |= factor < 1;
        candidates.add(new Candidate(endpoint, endpoint.weight() * factor));
      }
    }
    usableCount = candidates.size();
    ramping = stillRamping;
    boolean panicNow = panic.panics(candidates.size(), members.size());
    if (panicNow != panicking) {
      if (panicNow) {
        LOG.warn(
            "pool {} panics: {} of {} endpoints usable; panic mode {}",
            name,
            candidates.size(),
            members.size(),
            panic.mode());
      } else {
        LOG.info(
            "pool {} left panic: {} of {} endpoints usable", name, usableCount, members.size());
      }
      panicking = panicNow;
    }
    if (panicNow) {
      candidates.clear();
      if (panic.mode() == PanicConfig.Mode.USE_ALL) {
        for (Endpoint endpoint : members) {
          if (!endpoint.draining()) {
            candidates.add(new Candidate(endpoint, endpoint.weight()));
          }
        }
      }
    }
    picker = strategy.newPicker(candidates);
  }

  /** Builds a pool; every setting has a default. */
  public static final class Builder {
    private final String name;
    private final BalancingStrategy strategy;
    private List<Endpoint> endpoints = List.of();
    private SlowStartConfig slowStart = SlowStartConfig.OFF;
    private PanicConfig panic = PanicConfig.DEFAULT;
    private LatencyConfig latency = LatencyConfig.DEFAULT;
    private Ticker ticker = Ticker.system();

    private Builder(String name, BalancingStrategy strategy) {
      this.name = Objects.requireNonNull(name, "name");
      this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    public Builder endpoints(List<Endpoint> value) {
      endpoints = List.copyOf(value);
      return this;
    }

    public Builder slowStart(SlowStartConfig value) {
      slowStart = Objects.requireNonNull(value, "slowStart");
      return this;
    }

    public Builder panic(PanicConfig value) {
      panic = Objects.requireNonNull(value, "panic");
      return this;
    }

    public Builder latency(LatencyConfig value) {
      latency = Objects.requireNonNull(value, "latency");
      return this;
    }

    public Builder ticker(Ticker value) {
      ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    public Pool build() {
      return new Pool(this);
    }
  }
}
