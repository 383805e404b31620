package dev.edgestack.balancer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads attempt outcomes and ejects endpoints that fail in a row; {@link #tick()} brings them back
 * when their time is up. Local rejections and cancellations are ignored: they say nothing about an
 * endpoint.
 */
public final class OutlierDetector {
  static final OutlierDetector NONE = new OutlierDetector();

  private static final Logger LOG = LoggerFactory.getLogger(OutlierDetector.class);

  /** What one outcome led to. */
  public enum Decision {
    NONE,
    EJECTED,
    /** The streak reached its threshold, but the maximum share of ejected endpoints was reached. */
    EJECTION_REFUSED
  }

  private final Pool pool;
  private final OutlierConfig config;
  private final Ticker ticker;
  private final Map<Endpoint, State> states = new ConcurrentHashMap<>();
  private volatile long ejections;

  private OutlierDetector() {
    this.pool = null;
    this.config = OutlierConfig.OFF;
    this.ticker = Ticker.system();
  }

  private OutlierDetector(Pool pool, OutlierConfig config, Ticker ticker) {
    this.pool = pool;
    this.config = config;
    this.ticker = ticker;
  }

  /** Attaches a detector to {@code pool}, which then reports every outcome to it. */
  public static OutlierDetector attach(Pool pool, OutlierConfig config, Ticker ticker) {
    OutlierDetector detector = new OutlierDetector(pool, config, ticker);
    if (config.enabled()) {
      pool.outlierDetector(detector);
    }
    return detector;
  }

  public OutlierConfig config() {
    return config;
  }

  /** How many ejections there have been. */
  public long ejections() {
    return ejections;
  }

  /** How many times {@code endpoint} was ejected recently (the ejection time multiplier). */
  public int ejectionCount(Endpoint endpoint) {
    State state = states.get(endpoint);
    return state == null ? 0 : state.ejectionCount;
  }

  public Decision observe(Endpoint endpoint, Outcome outcome) {
    if (pool == null || !outcome.concernsEndpoint()) {
      return Decision.NONE;
    }
    State state = states.get(endpoint);
    if (state == null) {
      state = states.computeIfAbsent(endpoint, ignored -> new State());
    }
    if (outcome == Outcome.SUCCESS && state.serverErrors == 0 && state.localFailures == 0) {
      // Nearly every outcome: nothing to reset, so no lock that every event loop would contend
      // for. A failure counted concurrently is then ordered after this success, as it may be.
      return Decision.NONE;
    }
    boolean tripped;
    synchronized (state) {
      if (endpoint.ejected()) {
        return Decision.NONE;
      }
      switch (outcome) {
        case SUCCESS -> {
          state.serverErrors = 0;
          state.localFailures = 0;
        }
        case SERVER_ERROR -> {
          state.serverErrors++;
          state.localFailures = 0;
        }
        default -> state.localFailures++;
      }
      tripped =
          (config.consecutive5xx() > 0 && state.serverErrors >= config.consecutive5xx())
              || (config.consecutiveLocalFailures() > 0
                  && state.localFailures >= config.consecutiveLocalFailures());
    }
    return tripped ? eject(endpoint, state, outcome) : Decision.NONE;
  }

  private Decision eject(Endpoint endpoint, State state, Outcome outcome) {
    synchronized (pool) {
      int ejected = 0;
      for (Endpoint member : pool.endpoints()) {
        ejected += member.ejected() ? 1 : 0;
      }
      int allowed = config.maxEjected(pool.endpoints().size());
      synchronized (state) {
        state.serverErrors = 0;
        state.localFailures = 0;
        if (ejected >= allowed) {
          LOG.warn(
              "pool {}: endpoint {} should be ejected ({}) but {} of {} already are",
              pool.name(),
              endpoint,
              outcome,
              ejected,
              pool.endpoints().size());
          return Decision.EJECTION_REFUSED;
        }
        state.ejectionCount++;
        state.ejectedUntil = ticker.nanos() + config.ejectionTime(state.ejectionCount).toNanos();
        state.quietSince = state.ejectedUntil;
      }
      pool.eject(endpoint, true);
      ejections++;
      LOG.warn(
          "pool {}: ejected endpoint {} for {} ms after consecutive {} (ejection #{})",
          pool.name(),
          endpoint,
          config.ejectionTime(state.ejectionCount).toMillis(),
          outcome,
          state.ejectionCount);
      return Decision.EJECTED;
    }
  }

  /** Drops what is known about an endpoint that left the pool. */
  public void forget(Endpoint endpoint) {
    states.remove(endpoint);
  }

  /** Returns endpoints whose ejection is over and lowers the counts of quiet endpoints. */
  public void tick() {
    long now = ticker.nanos();
    for (Map.Entry<Endpoint, State> entry : states.entrySet()) {
      Endpoint endpoint = entry.getKey();
      State state = entry.getValue();
      boolean bringBack = false;
      synchronized (state) {
        if (endpoint.ejected()) {
          bringBack = now - state.ejectedUntil >= 0;
        } else if (state.ejectionCount > 0
            && now - state.quietSince >= config.interval().toNanos()) {
          state.ejectionCount--;
          state.quietSince = now;
        }
      }
      if (bringBack && pool.eject(endpoint, false)) {
        LOG.info("pool {}: endpoint {} is back from ejection", pool.name(), endpoint);
      }
    }
  }

  private static final class State {
    // Written under the state's lock; read without it on the success path.
    volatile int serverErrors;
    volatile int localFailures;
    int ejectionCount;
    long ejectedUntil;
    long quietSince;
  }
}
